package jenkinsbridge

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/gordonbot/gordon/followup"
	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

// newBridge returns a bridge to a demo simulator with agents dm-1 (taken
// offline) and dm-2, whose items wait quiet before they may start.
func newBridge(t *testing.T, quiet time.Duration) (*Bridge, *jenkinstest.Server, *prometheus.Registry) {
	t.Helper()
	sim := jenkinstest.Demo(jenkinstest.Config{User: "gordon", Token: "t0k3n", QuietPeriod: quiet}, []string{"dm-1", "dm-2"})
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)

	c, err := jenkins.New(jenkins.Config{URL: ts.URL, User: "gordon", Token: "t0k3n", ReadAttempts: 1,
		PRJobs: []string{"docker-pr"}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetOffline(context.Background(), "dm-1", "disk replaced"); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	return New(c, reg), sim, reg
}

func TestBridgeQueue(t *testing.T) {
	b, _, _ := newBridge(t, time.Hour)
	ctx := context.Background()

	id, existing, err := b.QueueBuild(ctx, "docker-pr", map[string]string{"PR": "1234", "NODE": "dm-2"}, "", "alice")
	if err != nil || existing {
		t.Fatalf("QueueBuild = %d, %v, %v", id, existing, err)
	}

	items, err := b.Queue(ctx)
	if err != nil || len(items) != 1 {
		t.Fatalf("Queue = %+v, %v", items, err)
	}
	it := items[0]
	if it.ID != id || it.Job != "docker-pr" || it.Params["PR"] != "1234" || it.Params["GORDON_USER"] != "alice" ||
		it.Why == "" || it.Build != 0 {
		t.Fatalf("queued item: %+v", it)
	}

	left, err := b.CancelQueueItem(ctx, id)
	if err != nil || !left.Cancelled {
		t.Fatalf("CancelQueueItem = %+v, %v", left, err)
	}
	again, err := b.QueueItem(ctx, id)
	if err != nil || !again.Cancelled {
		t.Fatalf("QueueItem after cancel = %+v, %v", again, err)
	}
}

func TestBridgeCancelOfAStartedItem(t *testing.T) {
	b, _, _ := newBridge(t, 0)
	ctx := context.Background()

	id, _, err := b.QueueBuild(ctx, "docker-pr", map[string]string{"PR": "1234", "NODE": "dm-2"}, "", "alice")
	if err != nil {
		t.Fatal(err)
	}
	left, err := b.CancelQueueItem(ctx, id)
	if err != nil || left.Build == 0 || left.Cancelled {
		t.Fatalf("CancelQueueItem of a started item = %+v, %v; want its build and no error", left, err)
	}

	build, err := b.Build(ctx, "docker-pr", left.Build)
	if err != nil || !build.Building || build.QueueID != id || build.BuiltOn != "dm-2" {
		t.Fatalf("Build = %+v, %v", build, err)
	}
	builds, err := b.Builds(ctx, "docker-pr", 3)
	if err != nil || len(builds) == 0 || builds[0].Number != left.Build {
		t.Fatalf("Builds = %+v, %v", builds, err)
	}
}

func TestBridgeAgents(t *testing.T) {
	b, _, _ := newBridge(t, 0)
	agents, err := b.Agents(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	if len(agents) != 2 || agents[0].Name != "dm-1" || !agents[0].Offline || agents[0].Reason != "disk replaced" ||
		agents[1].Name != "dm-2" || agents[1].Offline {
		t.Fatalf("Agents = %+v; want dm-1 offline, dm-2 online, no built-in node", agents)
	}
}

func TestBridgeMarksWhatIsGone(t *testing.T) {
	b, _, reg := newBridge(t, 0)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
	}{
		{"queue item", func() error { _, err := b.QueueItem(ctx, 999); return err }},
		{"build", func() error { _, err := b.Build(ctx, "docker-pr", 999); return err }},
		{"job", func() error { _, err := b.Builds(ctx, "no-such-job", 5); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var brief interface{ Brief() string }
			if !errors.Is(err, followup.ErrGone) || !errors.As(err, &brief) {
				t.Fatalf("error %v: want followup.ErrGone with a brief line", err)
			}
		})
	}

	if n := testutil.ToFloat64(b.metrics.errors.WithLabelValues(opBuild, "not_found")); n != 1 {
		t.Fatalf("not_found errors of build = %v, want 1", n)
	}
	if n, err := testutil.GatherAndCount(reg, "gordon_jenkins_call_duration_seconds"); err != nil || n == 0 {
		t.Fatalf("duration series = %d, %v", n, err)
	}
}

func TestBridgeCountsJenkinsDown(t *testing.T) {
	b, sim, _ := newBridge(t, 0)
	sim.AddFault(jenkinstest.Fault{Status: http.StatusServiceUnavailable})

	if _, err := b.Queue(context.Background()); err == nil || errors.Is(err, followup.ErrGone) {
		t.Fatalf("Queue with Jenkins failing: %v", err)
	}
	if n := testutil.ToFloat64(b.metrics.errors.WithLabelValues(opQueue, "status")); n != 1 {
		t.Fatalf("status errors of queue = %v, want 1", n)
	}
}
