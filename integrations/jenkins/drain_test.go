package jenkins

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

// TestConnectionsAreReused: against the simulator, which answers large
// objects in chunks as Jenkins does, a run of reads and a trigger use one
// connection, not one per request.
func TestConnectionsAreReused(t *testing.T) {
	clock := newTestClock()
	cfg := jenkinstest.Config{User: testUser, Token: testToken, Now: clock.Now}
	// Enough agents that the computer list is answered in chunks.
	var nodes []string
	for i := range 60 {
		nodes = append(nodes, fmt.Sprintf("dm-%d", i+1))
	}
	sim := jenkinstest.Demo(cfg, nodes)

	var conns atomic.Int64
	ts := httptest.NewUnstartedServer(sim)
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)

	c := newTestClient(t, ts.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	for range 5 {
		if _, err := c.Computers(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Job(ctx, "docker-pr"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Queue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := c.QueueBuild(ctx, "docker-pr", map[string]string{"PR": "1"}, "dm-1", "alice"); err != nil {
		t.Fatal(err)
	}

	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for 16 requests and more, want 1", n)
	}
}
