package fleet_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/internal/testbed"
)

// ask sends a private line to a dispatcher over inv and returns gordon's
// answer.
func ask(t *testing.T, inv *fleet.Inventory, line string) []string {
	t.Helper()

	out := &lastReply{}
	d := benchDispatcher(inv, out)
	d.Handle(context.Background(), commands.Message{
		From: commands.Identity{Nick: "bob"}, Private: true, Text: line,
	})
	return out.lines
}

func TestConsulCommands(t *testing.T) {
	_, inv := startFleet(t, demoFleet)

	tests := []struct {
		line string
		want []string
	}{
		{"nodes unhealthy storage=devmapper by kernel", []string{
			"2 of 6 unhealthy (storage=devmapper); 1 warning, 1 maint; by kernel",
			"kernel 4.19: 2 of 3 unhealthy: dm-1 dm-2",
			"kernel 5.10: 0 of 2 unhealthy",
			"kernel (none): 0 of 1 unhealthy",
		}},
		{"nodes unhealthy", []string{
			"3 of 8 unhealthy; 1 warning, 1 maint",
			"dm-1 critical: docker; kernel=4.19.0-17 storage=devmapper",
			"dm-2 critical: disk; kernel=4.19.0-21 storage=devmapper",
			"ov-1 critical: docker; kernel=4.19.0-17 storage=overlay2",
		}},
		{"nodes maint dm-*", []string{
			"1 of 6 in maintenance (node=dm-*); 2 unhealthy, 1 warning",
			"dm-5 maint (kernel upgrade; set outside gordon); kernel=5.10.0-21 storage=devmapper",
		}},
		{"nodes healthy kernel=4.* storage!=overlay2", []string{
			"1 of 3 healthy (kernel=4.* storage!=overlay2); 2 unhealthy",
			"dm-3 ok; kernel=4.19.2 storage=devmapper",
		}},
		{"node dm-2", []string{
			"dm-2 (127.0.0.1): unhealthy, 1 of 1 check failing; not in maintenance",
			"kernel=4.19.0-21; storage=devmapper",
			"critical disk: Get https://ci:[redacted]@registry:5000/v2/ connection refused",
		}},
		{"node dm-99", []string{`node: no node "dm-99" in the catalog`}},
		{"nodes by colour", []string{
			`nodes: group by: unknown key "colour" (keys: kernel, distro, storage, docker)`,
		}},
		{"nodes colour=red", []string{
			`nodes: unknown key "colour" (keys: kernel, distro, storage, docker, node, tag)`,
		}},
		{"nodes kernel=", []string{`nodes: bad selector "kernel=": empty value`}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got := ask(t, inv, tt.line)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("%s answered\n%s\nwant\n%s", tt.line, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestConsulCommandsFaults(t *testing.T) {
	agent, inv := startFleet(t, demoFleet)
	agent.Stop()

	for _, line := range []string{"nodes unhealthy", "node dm-1"} {
		got := strings.Join(ask(t, inv, line), "\n")
		if !strings.Contains(got, "consul unreachable at "+agent.Addr) || strings.Count(got, "\n") > 0 {
			t.Fatalf("%s with Consul stopped answered %q, want one line saying it is unreachable", line, got)
		}
	}
}

func TestConsulCommandsDenied(t *testing.T) {
	t.Setenv("CONSUL_HTTP_TOKEN", "")
	agent := testbed.StartConsul(t, testbed.ConsulOptions{ACL: true})
	c, err := consul.New(consul.Config{Address: agent.Addr, Token: "9d5cf1d5-7d43-4c2c-8a4b-3f7c5e0b9a21"})
	if err != nil {
		t.Fatalf("consul.New: %v", err)
	}
	inv := fleet.NewInventory(fleet.ConsulSource{Client: c}, c, fleet.DefaultMetaKeys())

	got := strings.Join(ask(t, inv, "nodes"), "\n")
	want := "nodes failed: list nodes: consul refused the ACL token: ACL not found"
	if got != want {
		t.Fatalf("nodes with a rejected token answered %q, want %q", got, want)
	}
}
