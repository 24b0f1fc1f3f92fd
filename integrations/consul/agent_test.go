package consul

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/internal/testbed"
)

// nodeAgent is the name of the client agent these tests start.
const nodeAgent = "node-a"

// startNodeAgent starts a dev agent, with ACLs when acl is set, and a
// client agent named nodeAgent joined to it.
func startNodeAgent(t *testing.T, acl bool) (*testbed.Consul, *testbed.ConsulAgent) {
	t.Helper()
	t.Setenv("CONSUL_HTTP_TOKEN", "")
	t.Setenv("CONSUL_HTTP_TOKEN_FILE", "")

	server := testbed.StartConsul(t, testbed.ConsulOptions{ACL: acl})
	return server, testbed.StartConsulClient(t, server, nodeAgent)
}

// maintenanceCheck returns the node maintenance check of node as the
// catalog has it, and false when the node has none.
func maintenanceCheck(t *testing.T, c *Client, node string) (Check, bool) {
	t.Helper()

	checks, _, err := c.api.Health().Node(node, nil)
	if err != nil {
		t.Fatalf("reading the checks of %s: %v", node, err)
	}
	for _, hc := range checks {
		if hc.CheckID == NodeMaintenanceCheckID {
			return Check{ID: hc.CheckID, Status: hc.Status, Notes: hc.Notes}, true
		}
	}
	return Check{}, false
}

// waitMaintenance polls the catalog until ok holds for node's maintenance
// check, since an agent reports to its servers a moment after it acts.
func waitMaintenance(t *testing.T, c *Client, node, what string, ok func(Check, bool) bool) {
	t.Helper()
	waitFor(t, what, func() bool { return ok(maintenanceCheck(t, c, node)) })
}

// agentMaintenanceNotes returns the notes of the node maintenance check as
// agent itself has it, empty when it has none.
func agentMaintenanceNotes(t *testing.T, agent *testbed.ConsulAgent) string {
	t.Helper()

	c := newClient(t, Config{Address: agent.Addr})
	checks, err := c.api.Agent().Checks()
	if err != nil {
		t.Fatalf("reading the checks of agent %s: %v", agent.Name, err)
	}
	if ch := checks[NodeMaintenanceCheckID]; ch != nil {
		return ch.Notes
	}
	return ""
}

func TestAgentsMaintenance(t *testing.T) {
	server, agent := startNodeAgent(t, false)
	c := newClient(t, Config{Address: server.Addr})
	ctx := context.Background()

	if err := c.Agents().Enable(ctx, agent.URL, "kernel upgrade"); err != nil {
		t.Fatalf("Enable: %v", err)
	}
	waitMaintenance(t, c, nodeAgent, "in maintenance", func(ch Check, ok bool) bool { return ok })
	ch, _ := maintenanceCheck(t, c, nodeAgent)
	if ch.Status != StatusCritical || ch.Notes != "kernel upgrade" {
		t.Fatalf("maintenance check = %+v, want critical with the reason as notes", ch)
	}

	// Consul ignores Enable on a node already in maintenance: the first
	// reason stays. The agent acts before it answers, so its own view
	// holds the outcome once Enable returns.
	if err := c.Agents().Enable(ctx, agent.URL, "disk swap"); err != nil {
		t.Fatalf("Enable again: %v", err)
	}
	if notes := agentMaintenanceNotes(t, agent); notes != "kernel upgrade" {
		t.Fatalf("the agent's maintenance notes after a second Enable = %q, want the first reason", notes)
	}

	if err := c.Agents().Disable(ctx, agent.URL); err != nil {
		t.Fatalf("Disable: %v", err)
	}
	waitMaintenance(t, c, nodeAgent, "out of maintenance", func(_ Check, ok bool) bool {
		return !ok
	})

	if err := c.Agents().Disable(ctx, agent.URL); err != nil {
		t.Fatalf("Disable of a node not in maintenance: %v", err)
	}
}

func TestAgentsRefused(t *testing.T) {
	c := newClient(t, Config{})
	addr := fmt.Sprintf("127.0.0.1:%d", testbed.FreePort(t))

	tests := []struct {
		name string
		call func(ctx context.Context, url string) error
	}{
		{"enable", func(ctx context.Context, url string) error {
			return c.Agents().Enable(ctx, url, "x")
		}},
		{"disable", func(ctx context.Context, url string) error {
			return c.Agents().Disable(ctx, url)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(context.Background(), "http://gordon:s3cret@"+addr)
			if !errors.Is(err, ErrUnreachable) {
				t.Fatalf("%s on a closed port = %v, want ErrUnreachable", tt.name, err)
			}
			if !strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error %q should name %s and hide the password", err, addr)
			}
		})
	}
}

func TestAgentsBadURL(t *testing.T) {
	c := newClient(t, Config{})

	tests := []struct {
		name string
		url  string
	}{
		{"other scheme", "ftp://x"},
		{"not a url", "not a url"},
		{"no host", "http://"},
		{"empty", ""},
		{"unparsable", "http://[::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Agents().Enable(context.Background(), tt.url, "x")
			if err == nil || errors.Is(err, ErrUnreachable) ||
				!strings.Contains(err.Error(), "agent address") {
				t.Fatalf("Enable(%q) = %v, want an error about the agent address", tt.url, err)
			}
		})
	}
}

func TestAgentsAnswers(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(error) bool
	}{
		{"server error", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "agent busy", http.StatusInternalServerError)
		}, func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) &&
				se.Code == http.StatusInternalServerError && se.Body == "agent busy"
		}},
		{"denied", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "Permission denied", http.StatusForbidden)
		}, func(err error) bool { return errors.Is(err, ErrDenied) }},
		{"hung", func(_ http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, func(err error) bool { return errors.Is(err, ErrTimeout) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c := newClient(t, Config{Timeout: 200 * time.Millisecond})

			err := c.Agents().Enable(context.Background(), srv.URL, "x")
			if !tt.check(err) {
				t.Fatalf("Enable = %v", err)
			}
			addr := strings.TrimPrefix(srv.URL, "http://")
			if !strings.Contains(err.Error(), addr) {
				t.Fatalf("error %q does not name the agent %s", err, addr)
			}
		})
	}
}

func TestAgentsACL(t *testing.T) {
	server, agent := startNodeAgent(t, true)
	admin := newClient(t, Config{Address: server.Addr, Token: server.Token})

	tests := []struct {
		name    string
		rules   string
		wantErr error
	}{
		{"read only", `node_prefix "" { policy = "read" }`, ErrDenied},
		{"another node", `node "node-b" { policy = "write" }`, ErrDenied},
		{"node write", `node "node-a" { policy = "write" }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, Config{Address: server.Addr, Token: server.CreateToken(t, tt.rules)})

			err := c.Agents().Enable(context.Background(), agent.URL, "kernel upgrade")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Enable = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}

			waitMaintenance(t, admin, nodeAgent, "in maintenance", func(_ Check, ok bool) bool {
				return ok
			})
			if err := c.Agents().Disable(context.Background(), agent.URL); err != nil {
				t.Fatalf("Disable: %v", err)
			}
		})
	}
}
