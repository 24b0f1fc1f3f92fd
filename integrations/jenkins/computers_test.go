package jenkins

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestComputers(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url)

	comps, err := c.Computers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(comps) != 4 || !comps[0].BuiltIn {
		t.Fatalf("computers = %+v, want the built-in node and 3 agents", comps)
	}
	dm1 := comps[1]
	if dm1.Name != "dm-1" || !slices.Equal(dm1.Labels, []string{"dm-1", "docker", "linux"}) ||
		dm1.Offline || dm1.Executors != 2 {
		t.Fatalf("dm-1 = %+v", dm1)
	}
}

func TestComputerMissing(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url)

	_, err := c.Computer(context.Background(), "dm-9")
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNoSuchNode) || nf.Brief() != `no such node "dm-9"` {
		t.Fatalf("error = %v, want no such node", err)
	}
}

func TestLabel(t *testing.T) {
	tests := []struct {
		expr    string
		nodes   []string
		offline bool
	}{
		{"docker", []string{"dm-1", "dm-2", "dm-3"}, false},
		{"dm-1||dm-3", []string{"dm-1", "dm-3"}, false},
		{"docker&&!dm-2", []string{"dm-1", "dm-3"}, false},
		{"gpu", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			sim := startSim(t, 0)
			c := newTestClient(t, sim.url)

			l, err := c.Label(context.Background(), tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(l.Nodes, tt.nodes) || l.Offline != tt.offline || l.Name != tt.expr {
				t.Fatalf("label = %+v, want nodes %v, offline %v", l, tt.nodes, tt.offline)
			}
		})
	}
}

func TestOfflineAndBack(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url)
	ctx := context.Background()

	comp, err := c.SetOffline(ctx, "dm-2", "kernel upgrade by alice")
	if err != nil || !comp.Offline || comp.OfflineReason != "kernel upgrade by alice" {
		t.Fatalf("SetOffline = %+v, %v", comp, err)
	}
	if _, _, err := c.QueueBuild(ctx, "docker-pr", nil, "dm-2", "bob"); !errors.Is(err, ErrNodeOffline) {
		t.Fatalf("queueing on the offline node: %v, want ErrNodeOffline", err)
	}

	comp, err = c.SetOffline(ctx, "dm-2", "docker upgrade")
	if err != nil || comp.OfflineReason != "docker upgrade" || !comp.TemporarilyOffline {
		t.Fatalf("SetOffline again = %+v, %v; want the new reason, still offline", comp, err)
	}

	comp, err = c.SetOnline(ctx, "dm-2")
	if err != nil || comp.Offline || comp.TemporarilyOffline {
		t.Fatalf("SetOnline = %+v, %v", comp, err)
	}
	if comp, err = c.SetOnline(ctx, "dm-2"); err != nil || comp.Offline {
		t.Fatalf("SetOnline when online = %+v, %v; want nothing done", comp, err)
	}
}

func TestSetOnlineDisconnected(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url)
	if err := sim.SetConnected("dm-3", false); err != nil {
		t.Fatal(err)
	}

	comp, err := c.SetOnline(context.Background(), "dm-3")
	if err != nil || !comp.Offline || comp.TemporarilyOffline {
		t.Fatalf("SetOnline on a disconnected node = %+v, %v; want no error, still offline", comp, err)
	}
	if n := len(sim.Posts()); n != 0 {
		t.Fatalf("%d posts; a node with no offline mark needs none", n)
	}
}

func TestOfflineNodeKeepsItemWaiting(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url)
	ctx := context.Background()
	if _, err := c.SetOffline(ctx, "dm-1", "maintenance"); err != nil {
		t.Fatal(err)
	}

	q, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "3", "NODE": "dm-1"})
	if err != nil {
		t.Fatal(err)
	}
	sim.clock.Add(time.Hour)
	item, err := c.QueueItem(ctx, q.ID)
	if err != nil || !item.Waiting() || item.Why != "‘dm-1’ is offline" {
		t.Fatalf("item = %+v, %v; want it waiting for dm-1", item, err)
	}
}
