package upgrade

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/store"
)

// world is a fleet of fakes: it is the Fleet, Jenkins' agents, the
// maintenance, the health, the runner and the silencer at once, so that
// the runner can change what the health reads. It records every call
// that changes something, in order.
type world struct {
	mu sync.Mutex

	nodes  []fleet.Node
	agents []Agent

	reports map[string]string   // the version each node reports
	failing map[string][]string // checks failing on each node
	maint   map[string]bool
	offline map[string]bool
	busy    map[string]int // how many more times Busy says yes

	// What the runner does to a node: fail with this text, report this
	// version afterwards (the target when unset), leave these checks
	// failing, or wait for the channel to close.
	runFails  map[string]string
	runGives  map[string]string
	runBreaks map[string][]string
	runBlocks map[string]chan struct{}
	runs      map[string]int
	running   chan string // each node whose runner starts

	offlineFails map[string]bool

	calls    []string
	silences int
}

func newWorld(nodes []fleet.Node) *world {
	w := &world{
		nodes: nodes, reports: map[string]string{}, failing: map[string][]string{},
		maint: map[string]bool{}, offline: map[string]bool{}, busy: map[string]int{},
		runFails: map[string]string{}, runGives: map[string]string{}, runBreaks: map[string][]string{},
		runBlocks: map[string]chan struct{}{}, runs: map[string]int{}, running: make(chan string, 1000),
		offlineFails: map[string]bool{},
	}
	for _, n := range nodes {
		w.reports[n.Name] = n.Meta[DefaultVersionMeta]
	}
	w.agents = agentsOf(nodes)
	return w
}

func (w *world) record(format string, args ...any) {
	w.calls = append(w.calls, fmt.Sprintf(format, args...))
}

// callsFor returns the calls that name node, in order.
func (w *world) callsFor(node string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, c := range w.calls {
		if strings.HasSuffix(c, " "+node) {
			out = append(out, c)
		}
	}
	return out
}

func (w *world) Select(ctx context.Context, sels fleet.Selectors) ([]fleet.Node, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []fleet.Node
	for _, n := range w.nodes {
		if sels.Matches(n.Name, n.Meta, nil) {
			out = append(out, n)
		}
	}
	return out, nil
}

func (w *world) Agents(ctx context.Context) ([]Agent, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Clone(w.agents)
	for i := range out {
		out[i].Offline = out[i].Offline || w.offline[out[i].Name]
	}
	return out, nil
}

func (w *world) Offline(ctx context.Context, node, reason string) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.offlineFails[node] {
		return false, errors.New("jenkins answered 500")
	}
	already := w.offline[node]
	w.offline[node] = true
	w.record("offline %s", node)
	return already, nil
}

func (w *world) Online(ctx context.Context, node string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.offline[node] = false
	w.record("online %s", node)
	return nil
}

func (w *world) Busy(ctx context.Context, node string) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.busy[node] > 0 {
		w.busy[node]--
		return true, nil
	}
	return false, nil
}

func (w *world) On(ctx context.Context, t Target, who, reason string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.maint[t.Node] = true
	w.record("maint on %s", t.Node)
	return nil
}

func (w *world) Off(ctx context.Context, t Target) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.maint[t.Node] = false
	w.record("maint off %s", t.Node)
	return nil
}

func (w *world) Node(ctx context.Context, t Target) (NodeHealth, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return NodeHealth{Version: w.reports[t.Node], Failing: w.failing[t.Node]}, nil
}

func (w *world) Run(ctx context.Context, t Target) (Result, error) {
	w.mu.Lock()
	w.runs[t.Node]++
	w.record("run %s", t.Node)
	block := w.runBlocks[t.Node]
	w.mu.Unlock()
	w.running <- t.Node

	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return Result{}, ctx.Err()
		}
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	if msg := w.runFails[t.Node]; msg != "" {
		return Result{Output: msg}, errors.New(msg)
	}
	w.reports[t.Node] = "Docker version " + cmpOr(w.runGives[t.Node], t.Version) + ", build 1"
	w.failing[t.Node] = w.runBreaks[t.Node]
	return Result{Output: "ok"}, nil
}

func (w *world) Silence(ctx context.Context, node, reason string, d time.Duration) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.silences++
	id := fmt.Sprintf("s%d", w.silences)
	w.record("silence %s %s", id, node)
	return id, nil
}

func (w *world) Unsilence(ctx context.Context, id string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.record("unsilence %s", id)
	return nil
}

// runCount returns how many times the runner ran on node.
func (w *world) runCount(node string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.runs[node]
}

// count returns how many calls start with prefix.
func (w *world) count(prefix string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, c := range w.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// inService reports whether node is out of maintenance with its agent
// online.
func (w *world) inService(node string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.maint[node] && !w.offline[node]
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// heard is an Announcer that keeps every line.
type heard struct {
	mu    sync.Mutex
	lines []string
	where []Place
}

func (h *heard) Announce(ctx context.Context, p Place, lines ...string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, lines...)
	for range lines {
		h.where = append(h.where, p)
	}
	return nil
}

func (h *heard) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.lines)
}

// testConfig is a configuration with waits short enough for tests.
func testConfig() Config {
	c := Config{
		Poll:          config.Duration(time.Millisecond),
		HealthTimeout: config.Duration(150 * time.Millisecond),
		BuildWait:     config.Duration(60 * time.Millisecond),
		Settle:        durationPtr(3 * time.Millisecond),
	}
	c.Defaults()
	return c
}

// rig is an Upgrader over a world and a memory store, running.
type rig struct {
	t     *testing.T
	w     *world
	kv    *store.Memory
	u     *Upgrader
	heard *heard

	stop func()
}

// newRig starts an Upgrader over a world of nodes dm-1 to dm-n at 23.0.0.
func newRig(t *testing.T, n int, cfg Config) *rig {
	t.Helper()
	r := &rig{t: t, w: newWorld(fleetOf(n)), kv: store.NewMemory()}
	r.restart(cfg)
	return r
}

// restart starts a new Upgrader over the same world and store, as gordon
// starting again does, with a fresh announcer.
func (r *rig) restart(cfg Config) {
	r.t.Helper()
	u, err := New(Options{
		Config: cfg, Fleet: r.w, Agents: r.w, Control: r.w, Maintenance: r.w, Health: r.w,
		Runner: r.w, Silencer: r.w, Store: r.kv, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		r.t.Fatalf("New: %v", err)
	}
	r.u, r.heard = u, &heard{}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		u.Run(ctx, r.heard)
	}()
	r.stop = func() { cancel(); <-done }
	r.t.Cleanup(r.stop)

	r.eventually("ready", func() bool {
		_, err := u.Status()
		return err == nil
	})
}

// upgrade plans req and starts it, confirmed by bob.
func (r *rig) upgrade(req Request) Plan {
	r.t.Helper()
	if req.Version == "" {
		req.Version = target
	}
	p, err := r.u.Plan(context.Background(), req)
	if err != nil {
		r.t.Fatalf("Plan: %v", err)
	}
	c := Confirmation{AskedBy: "alice", ConfirmedBy: "bob", Place: Place{Target: "#fleet"}}
	if err := r.u.Start(context.Background(), p, c); err != nil {
		r.t.Fatalf("Start: %v", err)
	}
	return p
}

// status returns the Upgrader's status.
func (r *rig) status() Status {
	r.t.Helper()
	s, err := r.u.Status()
	if err != nil {
		r.t.Fatalf("Status: %v", err)
	}
	return s
}

// waitPhase waits until the upgrade is in phase p and Run has said all
// it says on getting there (want lines in all).
func (r *rig) waitPhase(p Phase, lines int) Status {
	r.t.Helper()
	r.eventually(fmt.Sprintf("phase %s with %d lines", p, lines), func() bool {
		return r.status().Phase == p && len(r.heard.all()) >= lines
	})
	return r.status()
}

// eventually waits up to five seconds for cond.
func (r *rig) eventually(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("gave up waiting for %s; heard:\n%s", what, strings.Join(r.heard.all(), "\n"))
		}
		time.Sleep(time.Millisecond)
	}
}

// block makes the runner of each node wait until the returned function
// is called.
func (r *rig) block(nodes ...string) func() {
	ch := make(chan struct{})
	r.w.mu.Lock()
	for _, n := range nodes {
		r.w.runBlocks[n] = ch
	}
	r.w.mu.Unlock()
	return sync.OnceFunc(func() { close(ch) })
}

// waitRunning waits until the runner has started on each node.
func (r *rig) waitRunning(nodes ...string) {
	r.t.Helper()
	want := map[string]bool{}
	for _, n := range nodes {
		want[n] = true
	}
	timeout := time.After(5 * time.Second)
	for len(want) > 0 {
		select {
		case n := <-r.w.running:
			delete(want, n)
		case <-timeout:
			r.t.Fatalf("runners never started on %v", want)
		}
	}
}
