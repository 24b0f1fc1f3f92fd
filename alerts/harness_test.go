package alerts

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/integrations/consul"
)

// Check IDs and names of the test fleet.
const (
	docker = "docker-daemon"
	disk   = "disk"
)

// clock is a fake clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// recorder is a commands.Replier that keeps every reply.
type recorder struct {
	mu      sync.Mutex
	replies []commands.Reply
	err     error
}

func (r *recorder) Send(_ context.Context, reply commands.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.replies = append(r.replies, reply)
	return nil
}

// take returns the replies since the last take.
func (r *recorder) take() []commands.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.replies
	r.replies = nil
	return out
}

// world is the catalog's checks as a test sets them.
type world struct {
	checks map[checkKey]consul.HealthCheck
}

// newWorld returns an empty catalog.
func newWorld() *world {
	return &world{checks: map[checkKey]consul.HealthCheck{}}
}

// addNodes adds nodes prefix-1 to prefix-n with passing serfHealth and
// docker-daemon checks.
func (w *world) addNodes(prefix string, n int) {
	for i := 1; i <= n; i++ {
		node := fmt.Sprintf("%s-%d", prefix, i)
		w.set(node, nodeHealthID, consul.StatusPassing, "Agent alive and reachable")
		w.set(node, docker, consul.StatusPassing, "")
	}
}

// set puts a node check in a state, with its output.
func (w *world) set(node, id, status, output string) {
	c := w.checks[checkKey{node, id}]
	c.Node, c.ID, c.Status, c.Output = node, id, status, output
	if c.Name == "" {
		c.Name = id
		if id == nodeHealthID {
			c.Name = "Serf Health Status"
		}
	}
	w.checks[checkKey{node, id}] = c
}

// setService puts a check of a service in a state.
func (w *world) setService(node, id, service, status string) {
	w.set(node, id, status, "")
	c := w.checks[checkKey{node, id}]
	c.ServiceID, c.ServiceName = service, service
	w.checks[checkKey{node, id}] = c
}

// maint puts a node in maintenance or takes it out.
func (w *world) maint(node string, on bool) {
	k := checkKey{node, consul.NodeMaintenanceCheckID}
	if !on {
		delete(w.checks, k)
		return
	}
	w.checks[k] = consul.HealthCheck{Node: node, Check: consul.Check{
		ID: consul.NodeMaintenanceCheckID, Name: "Node Maintenance Mode",
		Status: consul.StatusMaintenance, Notes: "upgrade",
	}}
}

// serviceMaint puts a service in maintenance or takes it out.
func (w *world) serviceMaint(node, service string, on bool) {
	id := "_service_maintenance:" + service
	k := checkKey{node, id}
	if !on {
		delete(w.checks, k)
		return
	}
	w.checks[k] = consul.HealthCheck{Node: node, Check: consul.Check{
		ID: id, Name: "Service Maintenance Mode", Status: consul.StatusMaintenance, ServiceID: service,
	}}
}

// remove takes a node out of the catalog.
func (w *world) remove(node string) {
	for k := range w.checks {
		if k.node == node {
			delete(w.checks, k)
		}
	}
}

// snapshot returns the checks as the watch delivers them: by node, then
// by ID.
func (w *world) snapshot() consul.Snapshot {
	cs := make([]consul.HealthCheck, 0, len(w.checks))
	for _, c := range w.checks {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b consul.HealthCheck) int {
		return cmp.Or(strings.Compare(a.Node, b.Node), strings.Compare(a.ID, b.ID))
	})
	return consul.Snapshot{Checks: cs}
}

// harness runs an engine on a fake clock over a world.
type harness struct {
	t   *testing.T
	clk *clock
	out *recorder
	eng *Engine
	w   *world
	reg *prometheus.Registry
}

// dur returns a pointer to a duration, for the settings where zero means
// something.
func dur(d time.Duration) *config.Duration {
	c := config.Duration(d)
	return &c
}

// newHarness starts an engine with cfg (channel #fleet unless set) and
// the node metadata meta, and takes w's first snapshot as the baseline,
// discarding the summary.
func newHarness(t *testing.T, cfg Config, w *world, meta map[string]map[string]string) *harness {
	t.Helper()
	return newHarnessOpts(t, Options{Config: cfg}, w, meta)
}

// harnessStart is when the harness's clock starts.
var harnessStart = time.Date(2015, 6, 1, 12, 0, 0, 0, time.UTC)

// newHarnessOpts is newHarness with more of the engine's options set
// (Silences, Maint, State, Location); it loads them before it returns.
func newHarnessOpts(t *testing.T, opts Options, w *world, meta map[string]map[string]string) *harness {
	t.Helper()
	if opts.Config.Channel == "" {
		opts.Config.Channel = "#fleet"
	}
	h := &harness{t: t, clk: &clock{now: harnessStart}, out: &recorder{}, w: w, reg: prometheus.NewRegistry()}

	if meta != nil {
		opts.Facts = FactsFunc(func(context.Context) (map[string]map[string]string, error) { return meta, nil })
	}
	opts.Out, opts.Registerer, opts.Now = h.out, h.reg, h.clk.Now
	eng, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.eng = eng
	if err := eng.RefreshFacts(context.Background()); err != nil {
		t.Fatalf("RefreshFacts: %v", err)
	}
	if err := eng.Load(context.Background()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return h
}

// observe hands the engine the world as it is now.
func (h *harness) observe() {
	h.eng.Observe(h.w.snapshot())
}

// tick ticks at the clock's time and returns what was sent.
func (h *harness) tick() []commands.Reply {
	h.t.Helper()
	if err := h.eng.Tick(context.Background(), h.clk.Now()); err != nil {
		h.t.Fatalf("Tick: %v", err)
	}
	return h.out.take()
}

// wait moves the clock by d, ticking every second on the way as Run
// would, and returns everything sent.
func (h *harness) wait(d time.Duration) []commands.Reply {
	h.t.Helper()
	var out []commands.Reply
	for step := time.Second; d > 0; d -= step {
		step = min(step, d)
		h.clk.advance(step)
		out = append(out, h.tick()...)
	}
	return out
}

// baseline takes the first snapshot and returns the summary sent.
func (h *harness) baseline() []commands.Reply {
	h.t.Helper()
	h.observe()
	return h.tick()
}

// metric returns the value of a counter of the engine.
func (h *harness) metric(c prometheus.Collector) float64 {
	return testutil.ToFloat64(c)
}

// lines returns every line of replies to target, in order.
func lines(replies []commands.Reply, target string) []string {
	var out []string
	for _, r := range replies {
		if r.Target == target {
			out = append(out, r.Lines...)
		}
	}
	return out
}

// expectLines fails unless replies hold exactly want, per target.
func expectLines(t *testing.T, replies []commands.Reply, want map[string][]string) {
	t.Helper()
	got := map[string][]string{}
	for _, r := range replies {
		got[r.Target] = append(got[r.Target], r.Lines...)
		if r.Priority != commands.PriorityAlert {
			t.Errorf("reply to %s has priority %s, want alert", r.Target, r.Priority)
		}
	}
	for target, lines := range want {
		if !slices.Equal(got[target], lines) {
			t.Errorf("lines to %s:\n got %q\nwant %q", target, got[target], lines)
		}
	}
	for target, lines := range got {
		if _, ok := want[target]; !ok {
			t.Errorf("unexpected lines to %s: %q", target, lines)
		}
	}
}
