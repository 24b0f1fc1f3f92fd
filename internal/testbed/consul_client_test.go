package testbed

import (
	"net/http"
	"slices"
	"testing"
)

func TestConsulClient(t *testing.T) {
	server := StartConsul(t, ConsulOptions{})
	agent := StartConsulClient(t, server, "node-a")

	// The client answers on its own port, and speaks for its own node.
	var self struct{ Config struct{ NodeName string } }
	local := &Consul{Addr: agent.Addr, client: agent.client}
	if err := local.call(http.MethodGet, "/v1/agent/self", nil, &self); err != nil {
		t.Fatalf("asking the client about itself: %v", err)
	}
	if self.Config.NodeName != "node-a" || agent.Addr == server.Addr {
		t.Fatalf("client at %s is node %q, want node-a apart from the server at %s",
			agent.Addr, self.Config.NodeName, server.Addr)
	}

	var nodes []struct{ Node string }
	if err := server.call(http.MethodGet, "/v1/catalog/nodes", nil, &nodes); err != nil {
		t.Fatalf("listing nodes: %v", err)
	}
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Node
	}
	if !slices.Equal(names, []string{"node-a", ConsulNodeName}) {
		t.Fatalf("catalog nodes = %v, want node-a and the server", names)
	}
}

func TestConsulRestart(t *testing.T) {
	c := StartConsul(t, ConsulOptions{})
	c.Register(t, ConsulNode{Name: "dm-1"})
	addr := c.Addr

	c.Restart(t)

	if c.Addr != addr {
		t.Fatalf("restarted on %s, want %s", c.Addr, addr)
	}
	var nodes []struct{ Node string }
	if err := c.call(http.MethodGet, "/v1/catalog/nodes", nil, &nodes); err != nil {
		t.Fatalf("listing nodes after a restart: %v", err)
	}
	if len(nodes) != 1 || nodes[0].Node != ConsulNodeName {
		t.Fatalf("nodes after a restart = %+v, want only the agent's own", nodes)
	}
	c.Register(t, ConsulNode{Name: "dm-2"})
}
