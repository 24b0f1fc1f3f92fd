package testbed

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestConsulRegister(t *testing.T) {
	c := StartConsul(t, ConsulOptions{})

	c.Register(t,
		ConsulNode{Name: "dm-1", Meta: map[string]string{"kernel": "4.19.0"}},
		ConsulNode{
			Name: "dm-2",
			Meta: map[string]string{"kernel": "5.10.0"},
			Services: []ConsulService{
				{ID: "jenkins", Name: "jenkins", Tags: []string{"linux"}},
				{ID: "docker", Name: "docker", Tags: []string{"gpu"}},
			},
			Checks: []ConsulCheck{
				{ID: "disk", Name: "disk", Status: "critical", Output: "full"},
				{ID: "dockerd", Name: "dockerd", Status: "warning", ServiceID: "docker"},
			},
		},
	)

	var nodes []struct{ Node string }
	if err := c.call(http.MethodGet, "/v1/catalog/nodes", nil, &nodes); err != nil {
		t.Fatalf("listing nodes: %v", err)
	}
	var names []string
	for _, n := range nodes {
		names = append(names, n.Node)
	}
	if want := []string{"dm-1", "dm-2", ConsulNodeName}; !slices.Equal(names, want) {
		t.Fatalf("nodes = %v, want %v", names, want)
	}

	var checks []struct{ CheckID, Status, ServiceID string }
	if err := c.call(http.MethodGet, "/v1/health/node/dm-2", nil, &checks); err != nil {
		t.Fatalf("reading checks: %v", err)
	}
	if len(checks) != 2 {
		t.Fatalf("checks of dm-2 = %+v, want disk and dockerd", checks)
	}
}

func TestConsulStop(t *testing.T) {
	c := StartConsul(t, ConsulOptions{})

	c.Stop()
	c.Stop()
	if err := c.ready(); err == nil {
		t.Fatal("a stopped agent still answers")
	}
}

func TestConsulACL(t *testing.T) {
	c := StartConsul(t, ConsulOptions{ACL: true})
	if c.Token == "" {
		t.Fatal("an agent with ACLs has no management token")
	}

	c.Register(t, ConsulNode{Name: "dm-1"})

	anonymous := &Consul{Addr: c.Addr, Token: "00000000-0000-4000-8000-000000000000", client: c.client}
	err := anonymous.call(http.MethodGet, "/v1/catalog/nodes", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("a request with an unknown token = %v, want 403", err)
	}
}

func TestModuleRoot(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("moduleRoot: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatalf("reading go.mod at the module root: %v", err)
	}
	if !strings.HasPrefix(string(data), "module github.com/gordonbot/gordon\n") {
		t.Fatalf("%s/go.mod is not gordon's", root)
	}
}

func TestConsulPath(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("moduleRoot: %v", err)
	}
	built := filepath.Join(root, "bin", "consul")

	tests := []struct {
		name    string
		env     string
		want    string
		wantErr bool
	}{
		{"module root", "", built, false},
		{"from the environment", built, built, false},
		{"missing", filepath.Join(t.TempDir(), "consul"), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(ConsulEnv, tt.env)

			got, err := consulPath()
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("consulPath() = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
