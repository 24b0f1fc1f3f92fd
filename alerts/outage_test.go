package alerts

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/integrations/consul"
)

// outageConfig announces an outage after a minute.
func outageConfig() Config {
	cfg := quick()
	cfg.UnreachableAfter = config.Duration(time.Minute)
	return cfg
}

func TestConsulOutageIsTwoLines(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, outageConfig(), w, meta)
	h.baseline()

	refused := errors.New("dial tcp 127.0.0.1:8500: connect: connection refused")
	for range 5 {
		h.eng.Unreachable(DependencyConsul, refused)
		expectLines(t, h.wait(10*time.Second), nil)
	}
	expectLines(t, h.wait(10*time.Second), map[string][]string{"#fleet": {
		"consul unreachable since 12:00 UTC (dial tcp 127.0.0.1:8500: connect: connection refused)",
	}})
	h.eng.Unreachable(DependencyConsul, refused)
	expectLines(t, h.wait(2*time.Minute), nil)
	if got := testutil.ToFloat64(h.eng.metrics.unreachable.WithLabelValues(DependencyConsul)); got != 1 {
		t.Errorf("unreachable gauge = %v, want 1", got)
	}

	h.eng.Reachable(DependencyConsul)
	expectLines(t, h.tick(), map[string][]string{"#fleet": {"consul back after 3m"}})
	if got := testutil.ToFloat64(h.eng.metrics.unreachable.WithLabelValues(DependencyConsul)); got != 0 {
		t.Errorf("unreachable gauge = %v, want 0", got)
	}
}

// briefErr is an error that says itself briefly.
type briefErr struct{}

func (briefErr) Error() string { return "GET /api/json: dial tcp: connection refused" }
func (briefErr) Brief() string { return "Jenkins is unreachable" }

func TestErrorBrief(t *testing.T) {
	refused := errors.New("dial tcp 127.0.0.1:8500: connection refused")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"plain", refused, "dial tcp 127.0.0.1:8500: connection refused"},
		{"context peeled", fmt.Errorf("watch health checks: %w", fmt.Errorf("query: %w", refused)),
			"dial tcp 127.0.0.1:8500: connection refused"},
		{"cause in the middle kept", fmt.Errorf("%w at 10.0.0.1", refused), "dial tcp 127.0.0.1:8500: " +
			"connection refused at 10.0.0.1"},
		{"its own brief", fmt.Errorf("jenkins version: %w", briefErr{}), "Jenkins is unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorBrief(tt.err); got != tt.want {
				t.Errorf("errorBrief = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestShortOutageSaysNothing(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, outageConfig(), w, meta)
	h.baseline()

	h.eng.Unreachable(DependencyConsul, errors.New("timeout"))
	expectLines(t, h.wait(30*time.Second), nil)
	h.eng.Reachable(DependencyConsul)
	expectLines(t, h.wait(time.Hour), nil)

	// No resynchronisation either: a change after it is an ordinary one.
	w.set("dm-1", docker, consul.StatusCritical, "")
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {"dm-1 critical on docker-daemon"}})
}

func TestResyncAfterConsulOutage(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, outageConfig(), w, meta)
	h.baseline()

	h.eng.Unreachable(DependencyConsul, errors.New("timeout"))
	h.wait(2 * time.Minute)
	h.eng.Reachable(DependencyConsul)
	expectLines(t, h.tick(), map[string][]string{"#fleet": {"consul back after 2m"}})

	// Consul comes back with part of its catalog (a restored server,
	// agents syncing again): the nodes it lacks are kept, not forgotten.
	full := w.checks
	partial := newWorld()
	for k, c := range full {
		if k.node[:2] == "dm" {
			partial.checks[k] = c
		}
	}
	partial.set("dm-1", docker, consul.StatusCritical, "")
	h.w = partial
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {
		"dm-1 critical on docker-daemon (after the consul outage)",
	}})

	// The rest comes back, one node changed, the others as they were.
	w.set("dm-1", docker, consul.StatusCritical, "")
	w.set("ov-1", docker, consul.StatusCritical, "")
	h.w = w
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {
		"ov-1 critical on docker-daemon (after the consul outage)",
	}})

	// Once the resynchronisation is over, changes are ordinary again.
	h.wait(resyncFor)
	w.set("ov-2", docker, consul.StatusCritical, "")
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {"ov-2 critical on docker-daemon"}})
}

func TestProbeTellsTheEngine(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, Config{UnreachableAfter: config.Duration(time.Second)}, w, meta)
	h.baseline()

	var failing atomic.Bool
	failing.Store(true)
	var calls atomic.Int32
	check := func(ctx context.Context) error {
		calls.Add(1)
		if failing.Load() {
			return errors.New("jenkins: 503 Service Unavailable")
		}
		return nil
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.eng.Probe(ctx, DependencyJenkins, time.Millisecond, check) }()

	gauge := h.eng.metrics.unreachable.WithLabelValues(DependencyJenkins)
	waitFor(t, "jenkins unreachable", func() bool { return testutil.ToFloat64(gauge) == 1 })
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {
		"jenkins unreachable since 12:00 UTC (jenkins: 503 Service Unavailable)",
	}})

	failing.Store(false)
	waitFor(t, "jenkins reachable", func() bool { return testutil.ToFloat64(gauge) == 0 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Probe returned %v, want context.Canceled", err)
	}
	expectLines(t, h.tick(), map[string][]string{"#fleet": {"jenkins back after 1s"}})
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
