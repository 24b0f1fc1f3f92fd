package consul

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/gordonbot/gordon/internal/testbed"
)

// watchBound is how long a test waits for something the watch should do
// at once: generous, so that a loaded machine fails no test, since speed
// is measured by the benchmarks and not asserted here.
const watchBound = 10 * time.Second

// watchPoll is how often a test looks at the watch's counters.
const watchPoll = 10 * time.Millisecond

// quickWatch returns options for a watch that answers the tests quickly:
// short blocking queries and retries.
func quickWatch() WatchOptions {
	return WatchOptions{
		Wait:        time.Second,
		MinInterval: 10 * time.Millisecond,
		RetryMin:    100 * time.Millisecond,
		RetryMax:    time.Second,
	}
}

// ntp is the check of dm-1 in testFleet that the tests flip.
func ntp(status, output string) testbed.ConsulCheck {
	return testbed.ConsulCheck{ID: "ntp", Name: "ntp", Status: status, Output: output}
}

// runWatch runs w until the test ends and returns the snapshots it
// delivers. The channel is unbuffered: while the test does not read it,
// the watch's consumer is busy, as a slow one would be.
func runWatch(t *testing.T, w *HealthWatch) <-chan Snapshot {
	t.Helper()

	ctx, cancel := context.WithCancel(context.Background())
	snaps := make(chan Snapshot)
	done := make(chan error, 1)
	go func() {
		done <- w.Run(ctx, func(s Snapshot) {
			select {
			case snaps <- s:
			case <-ctx.Done():
			}
		})
	}()

	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v after its context was cancelled, want context.Canceled", err)
		}
	})
	return snaps
}

// nextSnapshot returns the next snapshot delivered, failing the test when
// none comes within watchBound.
func nextSnapshot(t *testing.T, snaps <-chan Snapshot) Snapshot {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), watchBound)
	defer cancel()
	select {
	case s := <-snaps:
		return s
	case <-ctx.Done():
		t.Fatalf("no snapshot within %s", watchBound)
		return Snapshot{}
	}
}

// snapshotWhere returns the first snapshot delivered for which ok holds,
// skipping others, failing the test when none comes within watchBound.
func snapshotWhere(t *testing.T, snaps <-chan Snapshot, what string,
	ok func(Snapshot) bool) Snapshot {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), watchBound)
	defer cancel()
	for {
		select {
		case s := <-snaps:
			if ok(s) {
				return s
			}
		case <-ctx.Done():
			t.Fatalf("no snapshot with %s within %s", what, watchBound)
			return Snapshot{}
		}
	}
}

// settled returns the first snapshot that holds the test agent's own
// check, passing: the agent may add it a moment after it is ready, and
// a test that counts deliveries must start after it.
func settled(t *testing.T, snaps <-chan Snapshot) Snapshot {
	t.Helper()
	return snapshotWhere(t, snaps, "the agent's own check", func(s Snapshot) bool {
		return status(s, testbed.ConsulNodeName, "serfHealth") == StatusPassing
	})
}

// status returns the status of the check id of node in s, empty when s
// has no such check.
func status(s Snapshot, node, id string) string {
	for _, c := range s.NodeChecks(node) {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}

// waitFor polls cond until it holds, failing the test when it does not
// within watchBound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), watchBound)
	defer cancel()
	tick := time.NewTicker(watchPoll)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("not %s within %s", what, watchBound)
		}
	}
}

// describe lists the checks of s other than the test agent's own, as
// "node/check status", in the snapshot's order.
func describe(s Snapshot) []string {
	var out []string
	for _, c := range s.Checks {
		if c.Node != testbed.ConsulNodeName {
			out = append(out, fmt.Sprintf("%s/%s %s", c.Node, c.ID, c.Status))
		}
	}
	return out
}

func TestWatchFirstSnapshot(t *testing.T) {
	_, c := startAgent(t)
	w := c.WatchHealth(quickWatch())

	snap := nextSnapshot(t, runWatch(t, w))

	// Sorted by node, then by check ID; maintenance checks are marked.
	want := []string{
		"dm-1/disk critical",
		"dm-1/ntp passing",
		"dm-2/_service_maintenance:docker maintenance",
		"dm-2/load warning",
		"dm-3/_node_maintenance maintenance",
	}
	if got := describe(snap); !slices.Equal(got, want) {
		t.Fatalf("first snapshot = %q, want %q", got, want)
	}
	if snap.Index == 0 {
		t.Fatal("first snapshot has index 0")
	}

	disk := snap.NodeChecks("dm-1")[0]
	if disk.Output != "98% used" || disk.Name != "disk" {
		t.Fatalf("dm-1/disk = %+v, want its name and output", disk)
	}
	docker := snap.NodeChecks("dm-2")[0]
	if docker.ServiceID != "docker" || docker.ServiceName != "docker" ||
		docker.Notes != "docker upgrade" {
		t.Fatalf("dm-2's service maintenance = %+v, want the docker service and its reason", docker)
	}
	if reason, ok := snap.Maintenance("dm-3"); !ok || reason != "kernel upgrade" {
		t.Fatalf("Maintenance(dm-3) = %q, %v; want kernel upgrade", reason, ok)
	}
	if _, ok := snap.Maintenance("dm-1"); ok {
		t.Fatal("dm-1 is not in maintenance")
	}
	if got := snap.NodeChecks("dm-99"); len(got) != 0 {
		t.Fatalf("NodeChecks(dm-99) = %+v, want none", got)
	}

	st := w.Stats()
	if st.Delivered != 1 || st.Snapshots != 1 || st.Failures != 0 || st.Queries == 0 {
		t.Fatalf("stats after the first snapshot = %+v", st)
	}
}

func TestWatchDeliversChange(t *testing.T) {
	agent, c := startAgent(t)
	snaps := runWatch(t, c.WatchHealth(quickWatch()))
	settled(t, snaps)

	flipped := time.Now()
	agent.SetCheck(t, "dm-1", ntp(StatusCritical, "offset 3s"))

	// One write is one change: the very next delivery holds it.
	snap := nextSnapshot(t, snaps)
	t.Logf("a check turning critical was delivered %s after it was written", time.Since(flipped))
	checks := snap.NodeChecks("dm-1")
	if len(checks) != 2 || checks[1].Status != StatusCritical || checks[1].Output != "offset 3s" {
		t.Fatalf("dm-1 after the flip = %+v, want ntp critical with its output", checks)
	}
}

func TestWatchIgnoresIndexBumps(t *testing.T) {
	agent, c := startAgent(t)

	// Queries block for long, so that each one answered is an index that
	// moved.
	opts := quickWatch()
	opts.Wait = time.Minute
	w := c.WatchHealth(opts)
	snaps := runWatch(t, w)
	settled(t, snaps)
	before := w.Stats()

	// Writes that leave the checks as they are: elsewhere in Consul, or a
	// check written again unchanged. Consul need not wake the query.
	key := &api.KVPair{Key: "gordon/test", Value: []byte("x")}
	if _, err := c.api.KV().Put(key, nil); err != nil {
		t.Fatalf("writing a key: %v", err)
	}
	agent.SetCheck(t, "dm-1", ntp(StatusPassing, ""))

	// Writes that do wake it, changing only what a snapshot leaves out.
	for i := range 3 {
		queries := w.Stats().Queries
		agent.TouchCheck(t, "dm-1", ntp(StatusPassing, ""), time.Duration(10+i)*time.Second)
		waitFor(t, "asked again after a touch", func() bool { return w.Stats().Queries > queries })
	}

	// The next delivery is the next change, with nothing before it.
	agent.SetCheck(t, "dm-1", ntp(StatusWarning, "offset 1s"))
	if snap := nextSnapshot(t, snaps); status(snap, "dm-1", "ntp") != StatusWarning {
		t.Fatalf("next snapshot = %q, want the one where ntp turned warning", describe(snap))
	}

	after := w.Stats()
	if after.Snapshots != before.Snapshots+1 || after.Delivered != before.Delivered+1 {
		t.Fatalf("stats went from %+v to %+v, want one more snapshot and delivery", before, after)
	}
	t.Logf("%d queries sent for three touches and one change", after.Queries-before.Queries)
}

func TestWatchSlowConsumer(t *testing.T) {
	agent, c := startAgent(t)
	w := c.WatchHealth(quickWatch())
	snaps := runWatch(t, w)
	settled(t, snaps)
	before := w.Stats()

	// The consumer takes the first change and then stays busy with it:
	// the test does not read.
	agent.SetCheck(t, "dm-1", ntp(StatusWarning, "offset 1s"))
	waitFor(t, "handed the first change", func() bool {
		return w.Stats().Delivered == before.Delivered+1
	})

	// Two more changes, each seen by the watch while the consumer is busy.
	busy := []testbed.ConsulCheck{ntp(StatusCritical, "offset 5s"), ntp(StatusCritical, "offset 9s")}
	for i, check := range busy {
		agent.SetCheck(t, "dm-1", check)
		want := before.Snapshots + 2 + uint64(i)
		waitFor(t, "seen a change", func() bool { return w.Stats().Snapshots == want })
	}

	// The consumer finishes the first change, then gets only the newest.
	if first := nextSnapshot(t, snaps); status(first, "dm-1", "ntp") != StatusWarning {
		t.Fatalf("the busy consumer had %q, want ntp warning", describe(first))
	}
	newest := nextSnapshot(t, snaps)
	if check := newest.NodeChecks("dm-1")[1]; check.Output != "offset 9s" {
		t.Fatalf("after the busy consumer: ntp = %+v, want the newest state, offset 9s", check)
	}

	// Nothing of the skipped state waits behind it.
	agent.SetCheck(t, "dm-1", ntp(StatusPassing, ""))
	if snap := nextSnapshot(t, snaps); status(snap, "dm-1", "ntp") != StatusPassing {
		t.Fatalf("after the newest state came %q, want ntp passing", describe(snap))
	}
	if st := w.Stats(); st.Snapshots != before.Snapshots+4 || st.Delivered != before.Delivered+3 {
		t.Fatalf("stats went from %+v to %+v, want 4 more snapshots, 3 delivered", before, st)
	}
}

func TestWatchConsumerPanics(t *testing.T) {
	agent, c := startAgent(t)
	w := c.WatchHealth(quickWatch())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	snaps := make(chan Snapshot)
	done := make(chan error, 1)
	first := true
	go func() {
		done <- w.Run(ctx, func(s Snapshot) {
			if first {
				first = false
				panic("consumer bug")
			}
			select {
			case snaps <- s:
			case <-ctx.Done():
			}
		})
	}()

	waitFor(t, "delivered the first snapshot", func() bool { return w.Stats().Delivered == 1 })
	agent.SetCheck(t, "dm-1", ntp(StatusCritical, "offset 3s"))
	snapshotWhere(t, snaps, "ntp critical", func(s Snapshot) bool {
		return status(s, "dm-1", "ntp") == StatusCritical
	})

	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
}

// outage records what a watch tells of failures and recoveries.
type outage struct {
	mu         sync.Mutex
	failures   []int
	errs       []error
	recoveries []int
}

func (o *outage) failed(failures int, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failures = append(o.failures, failures)
	o.errs = append(o.errs, err)
}

func (o *outage) recovered(failures int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.recoveries = append(o.recoveries, failures)
}

// seen returns copies of what was recorded.
func (o *outage) seen() (failures []int, errs []error, recoveries []int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.failures), slices.Clone(o.errs), slices.Clone(o.recoveries)
}

func TestWatchConsulRestart(t *testing.T) {
	agent, c := startAgent(t)
	var rec outage
	opts := quickWatch()
	opts.OnFailure, opts.OnRecover = rec.failed, rec.recovered
	w := c.WatchHealth(opts)
	snaps := runWatch(t, w)
	settled(t, snaps)

	agent.Stop()
	waitFor(t, "failed", func() bool { f, _, _ := rec.seen(); return len(f) > 0 })

	// While Consul is down the watch backs off instead of spinning: a
	// window of time, then the number of queries sent in it.
	queries, start := w.Stats().Queries, time.Now()
	<-time.After(3 * time.Second)
	sent, window := w.Stats().Queries-queries, time.Since(start)
	t.Logf("%d queries in %s with Consul down", sent, window)
	if sent >= 15 {
		t.Fatalf("%d queries in %s with Consul down, want fewer than 15", sent, window)
	}

	// A dev agent comes back with an empty catalog: a change the watch
	// delivers once it has recovered.
	agent.Restart(t)
	snapshotWhere(t, snaps, "the fleet gone", func(s Snapshot) bool {
		return len(describe(s)) == 0
	})
	failures, errs, recoveries := rec.seen()
	t.Logf("%d failures, the first: %v; the last: %v", len(failures), errs[0], errs[len(errs)-1])
	for i, n := range failures {
		if n != i+1 {
			t.Fatalf("OnFailure counts = %v, want 1, 2, 3...", failures)
		}

		// An agent starting up may answer before it has a leader.
		var se *StatusError
		if !errors.Is(errs[i], ErrUnreachable) && (i == 0 || !errors.As(errs[i], &se)) {
			t.Fatalf("failure %d: %v, want ErrUnreachable", n, errs[i])
		}
	}
	if !slices.Equal(recoveries, []int{len(failures)}) {
		t.Fatalf("OnRecover calls = %v, want one after %d failures", recoveries, len(failures))
	}
	if st := w.Stats(); st.Failures != uint64(len(failures)) {
		t.Fatalf("stats count %d failures, OnFailure was called %d times", st.Failures, len(failures))
	}

	dm9 := testbed.ConsulNode{Name: "dm-9", Checks: []testbed.ConsulCheck{ntp(StatusCritical, "")}}
	agent.Register(t, dm9)
	snapshotWhere(t, snaps, "dm-9 critical", func(s Snapshot) bool {
		return status(s, "dm-9", "ntp") == StatusCritical
	})
}
