package consul

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/internal/testbed"
)

// testFleet is registered in the agents of these tests.
var testFleet = []testbed.ConsulNode{
	{
		Name: "dm-1", Address: "10.0.0.1",
		Meta: map[string]string{"kernel": "4.19.0-17", "storage": "devmapper"},
		Checks: []testbed.ConsulCheck{
			{ID: "disk", Name: "disk", Status: "critical", Output: "98% used"},
			{ID: "ntp", Name: "ntp", Status: "passing"},
		},
	},
	{
		Name: "dm-2", Address: "10.0.0.2",
		Meta: map[string]string{"kernel": "5.10.0", "storage": "overlay2"},
		Services: []testbed.ConsulService{
			{ID: "jenkins", Name: "jenkins", Tags: []string{"linux", "gpu"}},
			{ID: "docker", Name: "docker", Tags: []string{"linux"}},
		},
		Checks: []testbed.ConsulCheck{
			{ID: "load", Name: "load", Status: "warning", Output: "load 12"},
			{ID: "_service_maintenance:docker", Name: "Service Maintenance Mode", Status: "critical",
				Notes: "docker upgrade", ServiceID: "docker"},
		},
	},
	{
		Name: "dm-3", Address: "10.0.0.3",
		Meta: map[string]string{"kernel": "5.10.1"},
		Checks: []testbed.ConsulCheck{
			{ID: NodeMaintenanceCheckID, Name: "Node Maintenance Mode", Status: "critical", Notes: "kernel upgrade"},
		},
		Services: []testbed.ConsulService{{ID: "jenkins", Name: "jenkins", Tags: []string{"linux"}}},
	},
}

// startAgent starts a dev agent with testFleet and a client for it.
func startAgent(t *testing.T) (*testbed.Consul, *Client) {
	t.Helper()
	t.Setenv("CONSUL_HTTP_TOKEN", "")
	t.Setenv("CONSUL_HTTP_TOKEN_FILE", "")

	agent := testbed.StartConsul(t, testbed.ConsulOptions{})
	agent.Register(t, testFleet...)
	return agent, newClient(t, Config{Address: agent.Addr})
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()

	cfg.Defaults()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// byName returns the node named name from nodes.
func byName(t *testing.T, nodes []Node, name string) Node {
	t.Helper()

	i := slices.IndexFunc(nodes, func(n Node) bool { return n.Name == name })
	if i < 0 {
		t.Fatalf("no node %s among %d", name, len(nodes))
	}
	return nodes[i]
}

func nodeNames(nodes []Node) []string {
	var names []string
	for _, n := range nodes {
		names = append(names, n.Name)
	}
	return names
}

func TestNodes(t *testing.T) {
	_, c := startAgent(t)

	list, err := c.Nodes(context.Background(), "")
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	want := []string{"dm-1", "dm-2", "dm-3", testbed.ConsulNodeName}
	if got := nodeNames(list.Nodes); !slices.Equal(got, want) {
		t.Fatalf("nodes = %v, want %v", got, want)
	}
	if list.HiddenByACL {
		t.Fatal("an agent without ACLs hid something")
	}

	dm1 := byName(t, list.Nodes, "dm-1")
	wantChecks := []Check{{ID: "disk", Name: "disk", Status: StatusCritical, Output: "98% used"}}
	if dm1.Address != "10.0.0.1" || dm1.Meta["kernel"] != "4.19.0-17" || !slices.Equal(dm1.Checks, wantChecks) {
		t.Fatalf("dm-1 = %+v, want only its critical check", dm1)
	}

	dm2 := byName(t, list.Nodes, "dm-2")
	statuses := map[string]string{}
	for _, ch := range dm2.Checks {
		statuses[ch.ID] = ch.Status
	}
	if statuses["load"] != StatusWarning || statuses["_service_maintenance:docker"] != StatusMaintenance {
		t.Fatalf("dm-2 checks = %+v", dm2.Checks)
	}

	dm3 := byName(t, list.Nodes, "dm-3")
	if !dm3.Maintenance || dm3.MaintenanceReason != "kernel upgrade" || len(dm3.Checks) != 0 {
		t.Fatalf("dm-3 = %+v, want in maintenance with no other check", dm3)
	}
}

func TestNodesFilter(t *testing.T) {
	_, c := startAgent(t)

	tests := []struct {
		name   string
		filter string
		want   []string
	}{
		{"equal", `Meta["storage"] == "devmapper"`, []string{"dm-1"}},
		{"matches", `"kernel" in Meta and Meta["kernel"] matches "^5\\.10\\..*$"`, []string{"dm-2", "dm-3"}},
		{"node", `Node matches "^dm-[12]$"`, []string{"dm-1", "dm-2"}},
		{"none", `Meta["storage"] == "zfs"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := c.Nodes(context.Background(), tt.filter)
			if err != nil {
				t.Fatalf("Nodes(%s): %v", tt.filter, err)
			}
			if got := nodeNames(list.Nodes); !slices.Equal(got, tt.want) {
				t.Fatalf("Nodes(%s) = %v, want %v", tt.filter, got, tt.want)
			}
		})
	}
}

func TestNodesBadFilter(t *testing.T) {
	_, c := startAgent(t)

	// Consul 1.14 answers 500 to a filter it cannot parse; later
	// versions answer 400.
	_, err := c.Nodes(context.Background(), `Meta["kernel"] ==`)
	var se *StatusError
	if !errors.As(err, &se) || !strings.Contains(se.Body, "expression") {
		t.Fatalf("Nodes with a broken filter = %v, want a *StatusError about the expression", err)
	}
}

func TestNode(t *testing.T) {
	_, c := startAgent(t)

	n, found, err := c.Node(context.Background(), "dm-2")
	if err != nil || !found {
		t.Fatalf("Node(dm-2) = %v, %v", found, err)
	}
	if n.Address != "10.0.0.2" || len(n.Checks) != 2 {
		t.Fatalf("dm-2 = %+v", n)
	}
	wantServices := []Service{
		{ID: "docker", Name: "docker", Tags: []string{"linux"}},
		{ID: "jenkins", Name: "jenkins", Tags: []string{"linux", "gpu"}},
	}
	if !slices.EqualFunc(n.Services, wantServices, func(a, b Service) bool {
		return a.ID == b.ID && a.Name == b.Name && slices.Equal(a.Tags, b.Tags)
	}) {
		t.Fatalf("services = %+v, want %+v", n.Services, wantServices)
	}

	dm1, _, err := c.Node(context.Background(), "dm-1")
	if err != nil || len(dm1.Checks) != 2 {
		t.Fatalf("Node(dm-1) = %+v, %v; want its passing check too", dm1, err)
	}

	_, found, err = c.Node(context.Background(), "dm-99")
	if err != nil || found {
		t.Fatalf("Node(dm-99) = %v, %v; want not found and no error", found, err)
	}
}

func TestServices(t *testing.T) {
	_, c := startAgent(t)

	tags, err := c.ServiceTags(context.Background())
	if err != nil {
		t.Fatalf("ServiceTags: %v", err)
	}
	if got := slices.Sorted(slices.Values(tags["jenkins"])); !slices.Equal(got, []string{"gpu", "linux"}) {
		t.Fatalf("jenkins tags = %v, want gpu and linux", got)
	}

	nodes, err := c.ServiceNodes(context.Background(), "jenkins", `"gpu" in ServiceTags`)
	if err != nil || !slices.Equal(nodes, []string{"dm-2"}) {
		t.Fatalf("ServiceNodes(jenkins, gpu) = %v, %v; want dm-2", nodes, err)
	}

	nodes, err = c.ServiceNodes(context.Background(), "jenkins", "")
	if err != nil || !slices.Equal(nodes, []string{"dm-2", "dm-3"}) {
		t.Fatalf("ServiceNodes(jenkins) = %v, %v; want dm-2 and dm-3", nodes, err)
	}
}

func TestAgentStopped(t *testing.T) {
	agent, c := startAgent(t)
	agent.Stop()

	_, err := c.Nodes(context.Background(), "")
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Nodes from a stopped agent = %v, want ErrUnreachable", err)
	}
	if !strings.Contains(err.Error(), agent.Addr) || strings.Contains(err.Error(), "/v1/") {
		t.Fatalf("error %q should name the agent's address and not the request URL", err)
	}

	if _, _, err := c.Node(context.Background(), "dm-1"); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Node from a stopped agent = %v, want ErrUnreachable", err)
	}
}

func TestAgentHung(t *testing.T) {
	agent, _ := startAgent(t)
	c := newClient(t, Config{Address: agent.Addr, Timeout: 300 * time.Millisecond})

	agent.Pause(t)
	defer agent.Resume(t)

	_, err := c.Nodes(context.Background(), "")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Nodes from a hung agent = %v, want ErrTimeout", err)
	}
}

func TestCallerCancels(t *testing.T) {
	_, c := startAgent(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := c.Nodes(ctx, "")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("Nodes with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestACL(t *testing.T) {
	t.Setenv("CONSUL_HTTP_TOKEN", "")
	t.Setenv("CONSUL_HTTP_TOKEN_FILE", "")
	agent := testbed.StartConsul(t, testbed.ConsulOptions{ACL: true})
	agent.Register(t, testFleet...)

	// Consul tells a holder of a valid token that it hid something, but
	// tells an anonymous caller nothing: it sees an empty catalog.
	dm1Only := agent.CreateToken(t, `node "dm-1" { policy = "read" }`)
	tests := []struct {
		name    string
		token   string
		wantErr error
		want    []string
		hidden  bool
	}{
		{"management token", agent.Token, nil, []string{"dm-1", "dm-2", "dm-3", testbed.ConsulNodeName}, false},
		{"limited token", dm1Only, nil, []string{"dm-1"}, true},
		{"unknown token", "6f3c3c4e-4a55-4b8a-9f0e-2f1d0c9c0a11", ErrDenied, nil, false},
		{"no token", "", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, Config{Address: agent.Addr, Token: tt.token})

			list, err := c.Nodes(context.Background(), "")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Nodes = %v, want %v", err, tt.wantErr)
			}
			if got := nodeNames(list.Nodes); !slices.Equal(got, tt.want) || list.HiddenByACL != tt.hidden {
				t.Fatalf("nodes %v, HiddenByACL %v; want %v, %v", got, list.HiddenByACL, tt.want, tt.hidden)
			}
		})
	}
}

func TestServerErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"500", http.StatusInternalServerError, "rpc error: No cluster leader\nmore",
			"consul answered 500 Internal Server Error: rpc error: No cluster leader"},
		{"503", http.StatusServiceUnavailable, "", "consul answered 503 Service Unavailable"},
		{"long body", http.StatusBadGateway, strings.Repeat("x", 500), "..."},
		{"403", http.StatusForbidden, "ACL not found", "consul refused the ACL token: ACL not found"},
		{"not consul", http.StatusOK, "<html>welcome</html>", "unreadable answer from consul at 127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, tt.body, tt.status)
			}))
			defer srv.Close()
			c := newClient(t, Config{Address: strings.TrimPrefix(srv.URL, "http://")})

			_, err := c.Nodes(context.Background(), "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Nodes = %v, want an error saying %q", err, tt.want)
			}
			if len(err.Error()) > 250 {
				t.Fatalf("error is %d bytes long: %q", len(err.Error()), err)
			}
		})
	}
}
