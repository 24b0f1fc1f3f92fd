package consul

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/consul/api"
)

// Defaults of WatchOptions.
const (
	// DefaultWatchWait is how long Consul holds a blocking query open
	// when nothing changes.
	DefaultWatchWait = 5 * time.Minute

	// DefaultWatchInterval is the least time between the starts of two
	// queries: at most four snapshots a second, however busy Consul is.
	DefaultWatchInterval = 250 * time.Millisecond

	// DefaultRetryMin and DefaultRetryMax bound the wait after a failure.
	DefaultRetryMin = 500 * time.Millisecond
	DefaultRetryMax = 15 * time.Second
)

// healthStatePath lists every health check of the catalog.
const healthStatePath = "/v1/health/state/any"

// maxBackoffShift bounds the doubling of the retry wait, whatever the
// number of failures: a shift of 64 or more would wrap.
const maxBackoffShift = 30

// Log keys of the watch, the only part of this package that logs.
const (
	keyError    = "error"
	keyRetryIn  = "retry_in"
	keyFailures = "failures"
	keyIndex    = "index"
	keyPanic    = "panic"
	keyStack    = "stack"
)

// WatchOptions tunes a HealthWatch. A zero field takes its default.
type WatchOptions struct {
	// Wait is how long Consul may hold one blocking query before it
	// answers with no change; Consul caps it at 10 minutes.
	Wait time.Duration

	// MinInterval is the least time from the start of one query to the
	// start of the next, so that a Consul answering at once (a busy
	// catalog, or a fault) is never asked in a tight loop.
	MinInterval time.Duration

	// RetryMin and RetryMax bound the wait after a failed query. It
	// doubles from RetryMin with each failure in a row up to RetryMax,
	// and is drawn from the upper half of that (jitter), so that several
	// watchers do not retry in step.
	RetryMin time.Duration
	RetryMax time.Duration

	// Logger gets a warning for each failed query and a line when the
	// watch recovers; nil discards them.
	Logger *slog.Logger

	// OnFailure, when set, is called after each failed query with the
	// number of failures in a row and the error; OnRecover, when set, on
	// the first answer after failures, with their number. They let a
	// consumer tell Consul being unreachable from a quiet fleet, whose
	// snapshots stop coming alike. Both run on the watch's goroutine,
	// which waits for them: they must not block.
	OnFailure func(failures int, err error)
	OnRecover func(failures int)
}

// defaults fills what was left unset.
func (o *WatchOptions) defaults() {
	o.Wait = cmp.Or(o.Wait, DefaultWatchWait)
	o.MinInterval = cmp.Or(o.MinInterval, DefaultWatchInterval)
	o.RetryMin = cmp.Or(o.RetryMin, DefaultRetryMin)
	o.RetryMax = max(cmp.Or(o.RetryMax, DefaultRetryMax), o.RetryMin)
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// HealthCheck is one check of a Snapshot, with the node it belongs to.
type HealthCheck struct {
	Node string
	Check
}

// Snapshot is every health check of the catalog as Consul had them at
// one index. A snapshot is shared between the watch and its consumer:
// read it, never change it.
type Snapshot struct {
	// Index is Consul's index of the answer the snapshot was made from.
	Index uint64

	// Checks are sorted by node, then by check ID. The maintenance checks
	// of nodes (NodeMaintenanceCheckID) and of services are among them
	// with the status StatusMaintenance, their notes holding the reason.
	Checks []HealthCheck
}

// NodeChecks returns the checks of the node named node, in check ID
// order; none when the catalog has no check of that node.
func (s Snapshot) NodeChecks(node string) []HealthCheck {
	lo, _ := slices.BinarySearchFunc(s.Checks, node, func(c HealthCheck, name string) int {
		return strings.Compare(c.Node, name)
	})
	hi := lo
	for hi < len(s.Checks) && s.Checks[hi].Node == node {
		hi++
	}
	return s.Checks[lo:hi:hi]
}

// Maintenance reports whether node is in maintenance mode, with the
// reason its agent was given.
func (s Snapshot) Maintenance(node string) (reason string, ok bool) {
	for _, c := range s.NodeChecks(node) {
		if c.ID == NodeMaintenanceCheckID {
			return c.Notes, true
		}
	}
	return "", false
}

// WatchStats counts what a HealthWatch has done since it was made.
type WatchStats struct {
	// Queries were sent to Consul; Failures of them failed.
	Queries  uint64
	Failures uint64

	// Snapshots were made from answers whose checks had changed;
	// Delivered of them reached the consumer, the others being replaced
	// by a newer one while it was busy.
	Snapshots uint64
	Delivered uint64
}

// HealthWatch follows every health check of the catalog with blocking
// queries, and hands its consumer snapshots of them.
//
// Consul answers a blocking query when its index moves, which may be for
// a change elsewhere, and may answer several times for one change; the
// watch hands on a snapshot only when the checks differ from the last
// one. It asks again from scratch when the index goes backwards (another
// server, or a restored one) and after a failure; it waits between
// failures with backoff and jitter, and never queries more often than
// MinInterval.
type HealthWatch struct {
	c    *Client
	opts WatchOptions

	queries, failures   atomic.Uint64
	snapshots, delivers atomic.Uint64
}

// WatchHealth returns a watch over every health check of the catalog.
// Nothing is asked until Run.
func (c *Client) WatchHealth(opts WatchOptions) *HealthWatch {
	opts.defaults()
	return &HealthWatch{c: c, opts: opts}
}

// Stats returns what the watch has done so far. It is safe to call at
// any time.
func (w *HealthWatch) Stats() WatchStats {
	return WatchStats{
		Queries:   w.queries.Load(),
		Failures:  w.failures.Load(),
		Snapshots: w.snapshots.Load(),
		Delivered: w.delivers.Load(),
	}
}

// Run follows the checks until ctx ends, then returns ctx's error.
//
// It calls deliver from one goroutine of its own, with the first snapshot
// once Consul first answers, then with each snapshot whose checks differ
// from the one before. While deliver runs the watch goes on querying and
// keeps only the newest snapshot for the next call: a slow consumer skips
// states and never falls behind. A panic in deliver is logged and the
// watch goes on. Run returns once deliver has returned. A watch may Run
// again after Run returns, starting afresh.
func (w *HealthWatch) Run(ctx context.Context, deliver func(Snapshot)) error {
	box := newLatest()
	var wg sync.WaitGroup
	wg.Go(func() { w.deliverAll(ctx, box, deliver) })

	w.follow(ctx, box)
	wg.Wait()
	return ctx.Err()
}

// follow queries Consul until ctx ends, putting each snapshot that is
// news in box.
func (w *HealthWatch) follow(ctx context.Context, box *latest) {
	var st followState
	for ctx.Err() == nil {
		started := time.Now()
		snap, err := w.query(ctx, st.index)
		if err != nil {
			w.failed(ctx, &st, err)
			continue
		}

		w.recovered(&st, snap.Index)
		if st.take(snap) {
			w.snapshots.Add(1)
			box.put(snap)
		}
		sleep(ctx, time.Until(started.Add(w.opts.MinInterval)))
	}
}

// failed counts a failure, forgets the index, since after an outage
// Consul's index may have started again lower, and waits before the next
// try.
func (w *HealthWatch) failed(ctx context.Context, st *followState, err error) {
	if ctx.Err() != nil {
		return
	}

	w.failures.Add(1)
	st.failures++
	st.index = 0
	delay := w.retryDelay(st.failures)
	w.opts.Logger.Warn("consul health watch failed",
		keyError, err, keyFailures, st.failures, keyRetryIn, delay)
	if w.opts.OnFailure != nil {
		w.opts.OnFailure(st.failures, err)
	}
	sleep(ctx, delay)
}

// recovered logs the first answer after failures and tells OnRecover.
func (w *HealthWatch) recovered(st *followState, index uint64) {
	if st.failures == 0 {
		return
	}

	w.opts.Logger.Info("consul health watch recovered", keyFailures, st.failures, keyIndex, index)
	if w.opts.OnRecover != nil {
		w.opts.OnRecover(st.failures)
	}
	st.failures = 0
}

// retryDelay returns the wait after the given number of failures in a
// row: RetryMin doubled for each but the first, at most RetryMax, then
// drawn at random from the upper half of that.
func (w *HealthWatch) retryDelay(failures int) time.Duration {
	// RetryMin is doubled only while that stays within RetryMax: a long
	// RetryMin shifted far would overflow, and a negative wait panics.
	d := w.opts.RetryMax
	if shift := failures - 1; shift < maxBackoffShift && w.opts.RetryMin <= d>>shift {
		d = w.opts.RetryMin << shift
	}

	half := d / 2
	return half + rand.N(d-half+1)
}

// query asks for every check, blocking while Consul's index is index (0:
// answer at once), and returns them as a snapshot.
func (w *HealthWatch) query(ctx context.Context, index uint64) (Snapshot, error) {
	w.queries.Add(1)

	// Consul adds up to a sixteenth of the wait as jitter of its own.
	bound := w.opts.Wait + w.opts.Wait/16 + w.c.timeout
	rctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()

	q := &api.QueryOptions{AllowStale: true, WaitIndex: index, WaitTime: w.opts.Wait}
	var checks []watchedCheck
	meta, err := w.c.api.Raw().Query(healthStatePath, &checks, q.WithContext(rctx))
	if err != nil {
		return Snapshot{}, fmt.Errorf("watch health checks: %w", w.c.classify(ctx, err))
	}
	return newSnapshot(meta.LastIndex, checks), nil
}

// watchedCheck is what the watch reads of each check in Consul's answer;
// the decoder skips the rest.
type watchedCheck struct {
	Node        string
	CheckID     string
	Name        string
	Status      string
	Notes       string
	Output      string
	ServiceID   string
	ServiceName string
}

// newSnapshot makes a snapshot of Consul's checks at index.
func newSnapshot(index uint64, checks []watchedCheck) Snapshot {
	out := make([]HealthCheck, len(checks))
	for i, c := range checks {
		status := c.Status
		if c.CheckID == NodeMaintenanceCheckID || strings.HasPrefix(c.CheckID, serviceMaintenancePrefix) {
			status = StatusMaintenance
		}
		out[i] = HealthCheck{Node: c.Node, Check: Check{
			ID: c.CheckID, Name: c.Name, Status: status, Output: c.Output, Notes: c.Notes,
			ServiceID: c.ServiceID, ServiceName: c.ServiceName,
		}}
	}

	// Consul answers in its own order, which ignores case; most answers
	// need no sorting at all.
	if !slices.IsSortedFunc(out, compareChecks) {
		slices.SortFunc(out, compareChecks)
	}
	return Snapshot{Index: index, Checks: out}
}

// compareChecks orders checks by node, then by ID.
func compareChecks(a, b HealthCheck) int {
	return cmp.Or(strings.Compare(a.Node, b.Node), strings.Compare(a.ID, b.ID))
}

// followState is what follow keeps between two queries.
type followState struct {
	// index is the index of the next query; 0 asks for an answer at once.
	index uint64

	// last is the last snapshot handed on, valid when have is set.
	last Snapshot
	have bool

	// failures counts the failed queries since the last answer.
	failures int
}

// take records an answer, and reports whether its checks are news: the
// first ones, or others than those of the last snapshot handed on.
func (st *followState) take(snap Snapshot) bool {
	// A blocking query answering with the index it was given timed out:
	// nothing changed, and there is nothing to compare.
	unchanged := st.index != 0 && snap.Index == st.index
	st.index = nextIndex(st.index, snap.Index)
	if unchanged || st.have && slices.Equal(st.last.Checks, snap.Checks) {
		return false
	}

	st.last, st.have = snap, true
	return true
}

// nextIndex returns the index to block on after asking at prev and being
// answered at got. An index that went backwards starts again from 0 (an
// answer at once), as Consul asks of its clients; an answer at index 0
// would never block, so it becomes 1.
func nextIndex(prev, got uint64) uint64 {
	switch {
	case got < prev:
		return 0
	case got == 0:
		return 1
	}
	return got
}

// deliverAll hands each snapshot put in box to deliver, one at a time,
// until ctx ends, skipping one whose checks are those last delivered.
func (w *HealthWatch) deliverAll(ctx context.Context, box *latest, deliver func(Snapshot)) {
	var last []HealthCheck
	var have bool
	for {
		select {
		case <-ctx.Done():
			return
		case <-box.ready:
		}

		snap, ok := box.take()
		if !ok || ctx.Err() != nil || have && slices.Equal(last, snap.Checks) {
			continue
		}
		last, have = snap.Checks, true
		w.delivers.Add(1)
		w.deliverOne(deliver, snap)
	}
}

// deliverOne calls deliver, turning a panic into a logged error.
func (w *HealthWatch) deliverOne(deliver func(Snapshot), snap Snapshot) {
	defer func() {
		if v := recover(); v != nil {
			w.opts.Logger.Error("consul health watch consumer panicked",
				keyPanic, fmt.Sprint(v), keyStack, string(debug.Stack()), keyIndex, snap.Index)
		}
	}()
	deliver(snap)
}

// latest holds the newest snapshot not yet delivered: putting one replaces
// any that waits, so a consumer never has a backlog.
type latest struct {
	// ready holds a token while a snapshot waits.
	ready chan struct{}

	mu   sync.Mutex
	snap Snapshot
	full bool
}

func newLatest() *latest {
	return &latest{ready: make(chan struct{}, 1)}
}

// put makes snap the one waiting.
func (l *latest) put(snap Snapshot) {
	l.mu.Lock()
	l.snap, l.full = snap, true
	l.mu.Unlock()

	select {
	case l.ready <- struct{}{}:
	default:
	}
}

// take returns the waiting snapshot, if any, and empties the box.
func (l *latest) take() (Snapshot, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	snap, ok := l.snap, l.full
	l.snap, l.full = Snapshot{}, false
	return snap, ok
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
