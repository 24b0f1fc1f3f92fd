package jenkins

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

func TestWaitForStartAndResult(t *testing.T) {
	sim := startSim(t, 30*time.Second)
	sim.clock.Step(5 * time.Second)
	c := newTestClient(t, sim.url)
	ctx := context.Background()

	q, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "1300"})
	if err != nil {
		t.Fatal(err)
	}
	item, err := c.WaitForStart(ctx, q.ID)
	if err != nil {
		t.Fatalf("WaitForStart: %v", err)
	}
	if item.Build == 0 || item.Waiting() {
		t.Fatalf("item after start = %+v, want a build", item)
	}

	b, err := c.WaitForResult(ctx, "docker-pr", item.Build)
	if err != nil {
		t.Fatalf("WaitForResult: %v", err)
	}
	if b.Building || b.Result == "" || b.Params["PR"] != "1300" || b.QueueID != q.ID {
		t.Fatalf("build = %+v, want it ended, PR=1300, from item %d", b, q.ID)
	}
}

func TestWaitForStartEnds(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, c *Client, id int64)
		want  error
	}{
		{
			name: "cancelled",
			setup: func(t *testing.T, c *Client, id int64) {
				if _, err := c.CancelQueueItem(context.Background(), id); err != nil {
					t.Fatal(err)
				}
			},
			want: ErrCancelled,
		},
		{
			name: "never starts",
			want: ErrGaveUp,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := startSim(t, time.Hour)
			c := newTestClient(t, sim.url, func(cfg *Config) { cfg.QueueLimit = 20 * time.Millisecond })
			q, err := c.Trigger(context.Background(), "docker-pr", map[string]string{"PR": "1"})
			if err != nil {
				t.Fatal(err)
			}
			if tt.setup != nil {
				tt.setup(t, c, q.ID)
			}

			_, err = c.WaitForStart(context.Background(), q.ID)
			if !errors.Is(err, tt.want) {
				t.Fatalf("WaitForStart error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestWaitForStartWaitsOutFailures(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url, func(cfg *Config) { cfg.ReadAttempts = 1 })
	ctx := context.Background()
	q, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "1"})
	if err != nil {
		t.Fatal(err)
	}

	sim.AddFault(jenkinstest.Fault{Path: "/queue/item/", Status: http.StatusServiceUnavailable, Count: 4})
	item, err := c.WaitForStart(ctx, q.ID)
	if err != nil || item.Build == 0 {
		t.Fatalf("WaitForStart = %+v, %v; want the build after Jenkins recovers", item, err)
	}
}

func TestWaitForStartStopsOnRefusal(t *testing.T) {
	sim := startSim(t, time.Hour)
	c := newTestClient(t, sim.url)
	ctx := context.Background()
	q, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "1"})
	if err != nil {
		t.Fatal(err)
	}

	sim.AddFault(jenkinstest.Fault{Status: http.StatusForbidden})
	_, err = c.WaitForStart(ctx, q.ID)
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusForbidden {
		t.Fatalf("error = %v, want the 403 at once", err)
	}
}

func TestCancelQueueItem(t *testing.T) {
	sim := startSim(t, time.Hour)
	c := newTestClient(t, sim.url)
	ctx := context.Background()

	waiting, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "1"})
	if err != nil {
		t.Fatal(err)
	}
	item, err := c.CancelQueueItem(ctx, waiting.ID)
	if err != nil || !item.Cancelled {
		t.Fatalf("cancel a waiting item = %+v, %v", item, err)
	}

	started, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "2", "NODE": "dm-1"})
	if err != nil {
		t.Fatal(err)
	}
	sim.clock.Add(2 * time.Hour)
	item, err = c.CancelQueueItem(ctx, started.ID)
	if !errors.Is(err, ErrStarted) || item.Build == 0 {
		t.Fatalf("cancel a started item = %+v, %v; want ErrStarted with its build", item, err)
	}

	_, err = c.CancelQueueItem(ctx, 99999)
	if !errors.Is(err, ErrNoSuchQueueItem) {
		t.Fatalf("cancel an unknown item: %v, want ErrNoSuchQueueItem", err)
	}
}

func TestQueue(t *testing.T) {
	sim := startSim(t, time.Hour)
	c := newTestClient(t, sim.url)
	ctx := context.Background()
	for _, pr := range []string{"1", "2"} {
		if _, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": pr}); err != nil {
			t.Fatal(err)
		}
	}

	items, err := c.Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Params["PR"] != "1" || items[1].Params["PR"] != "2" {
		t.Fatalf("queue = %+v, want PR 1 then PR 2", items)
	}
	if items[0].Why == "" || items[0].Since.IsZero() {
		t.Fatalf("item lacks why or since: %+v", items[0])
	}
}
