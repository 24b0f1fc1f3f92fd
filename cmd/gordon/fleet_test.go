package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/internal/testbed"
)

// fleetConfig is the example config on the IRC server at irc and the
// Consul agent at consulAddr, without Jenkins, with alerts sent at once.
func fleetConfig(t *testing.T, irc, consulAddr string) (path, httpAddr string) {
	httpAddr = freeAddr(t)
	cfg := withAddrs(exampleConfig(t), irc, httpAddr)
	cfg = strings.Replace(cfg, `address = "127.0.0.1:8500"`, fmt.Sprintf("address = %q", consulAddr), 1)
	cfg = strings.Replace(cfg, `url = "http://127.0.0.1:8080"`, `url = ""`, 1)
	// Port 1 refuses: the synthetic nodes have no agents of their own.
	cfg = strings.Replace(cfg, `agent_url = "http://{{.Address}}:8500"`, `agent_url = "http://{{.Address}}:1"`, 1)
	cfg = strings.Replace(cfg, `debounce = "30s"`, `debounce = "0s"`, 1)
	cfg = strings.Replace(cfg, `group_window = "2s"`, `group_window = "500ms"`, 1)
	cfg = strings.Replace(cfg, `unreachable_after = "1m"`, `unreachable_after = "1s"`, 1)
	cfg = strings.Replace(cfg, `probe_interval = "30s"`, `probe_interval = "1s"`, 1)
	return writeConfig(t, cfg), httpAddr
}

// TestFleetEndToEnd runs gordon on real ngircd and a real Consul agent:
// the health watch gives a baseline and a grouped, correlated alert, and
// the fleet commands answer from the same catalog.
func TestFleetEndToEnd(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	agent := testbed.StartConsul(t, testbed.ConsulOptions{})
	var nodes []testbed.ConsulNode
	for i := 1; i <= 6; i++ {
		storage := "overlay"
		if i <= 3 {
			storage = "devmapper"
		}
		nodes = append(nodes, testbed.ConsulNode{
			Name: fmt.Sprintf("dm-%d", i),
			Meta: map[string]string{"kernel": "4.19", "storage": storage},
			Checks: []testbed.ConsulCheck{
				{ID: "docker", Name: "docker-daemon", Status: "passing"},
			},
		})
	}
	agent.Register(t, nodes...)

	// alice is in the channel before gordon: its baseline line goes out as
	// soon as it has joined.
	path, httpAddr := fleetConfig(t, srv.Addr, agent.Addr)
	alice := testbed.Dial(t, srv.Addr, "alice")
	alice.Join(t, "#fleet")
	startGordonProc(t, path)
	waitReady(t, httpAddr)

	fromGordon(t, alice, "watching 7 nodes")

	for _, n := range nodes[:3] {
		agent.SetCheck(t, n.Name, testbed.ConsulCheck{ID: "docker", Name: "docker-daemon", Status: "critical", Output: "daemon down"})
	}
	got := fromGordon(t, alice, "3 nodes critical on docker-daemon")
	if !strings.Contains(got, "storage=devmapper") {
		t.Fatalf("alert does not say what the nodes share: %q", got)
	}

	// GitHub's API, a port that refuses here, is said to be unreachable.
	fromGordon(t, alice, "github unreachable since")

	alice.Say("#fleet", "!nodes unhealthy by storage")
	fromGordon(t, alice, "devmapper")

	// maint reaches the node's agent at the configured URL; the demo
	// nodes have none, and gordon keeps its own record.
	alice.Say("#fleet", "!maint dm-4 on disk swap")
	fromGordon(t, alice, "kept in gordon's record")
	alice.Say("#fleet", "!nodes maint")
	fromGordon(t, alice, "gordon's record only")
}
