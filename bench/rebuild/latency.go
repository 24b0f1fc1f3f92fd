package main

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gordonbot/gordon/commands"
)

// rebuildResult is what the rebuilds with one store measured.
type rebuildResult struct {
	store   string
	samples []sample

	// before is how many requests each rebuild made before its POST;
	// failed counts rebuilds that did not answer as expected.
	before   int
	failed   int
	firstErr error

	// Per rebuild, over the measured ones: heap allocations and bytes
	// allocated, in gordon's process.
	allocs float64
	bytes  float64

	// cpu is the process's CPU time a rebuild, user and system; gcs,
	// the collections the measured rebuilds ran.
	cpu time.Duration
	gcs uint32

	// from and to bound the measured rebuilds; dials counts the new
	// connections to Jenkins they made.
	from, to time.Time
	dials    int64

	// served is what the simulator answered while they ran.
	served []served

	// phases name the parts of gordon's own time; see span.
	phases []string
}

// sample is one rebuild.
type sample struct {
	span

	// whole is the line handed over until Handle returned, with the
	// answer given; audit is the audit record written before the command
	// ran.
	whole time.Duration
	audit time.Duration
}

// benchRebuilds measures the rebuilds with a store of kind, against a
// fresh simulator: one PR job whose builds run for 10 ms on dm-1, and
// -queue items of the same job waiting for the offline agent, so that
// every rebuild reads a queue of that length, twice, and the queue never
// grows.
func benchRebuilds(ctx context.Context, o options, kind string) (*rebuildResult, error) {
	sim, err := startSim(simOptions{jobs: 1, build: 10 * time.Millisecond, nodes: 1, executors: 64})
	if err != nil {
		return nil, err
	}
	defer sim.stop()

	st, closeStore, err := openStore(kind, o.dir)
	if err != nil {
		return nil, err
	}
	defer closeStore()

	r, err := newRig(sim.url, st, 0)
	if err != nil {
		return nil, err
	}
	if err := fillQueue(ctx, r, o.queue); err != nil {
		return nil, err
	}

	res, err := newRebuildLoop(r, st).run(ctx, o)
	if err != nil {
		return nil, err
	}
	res.store = kind

	all, err := sim.served(ctx)
	if err != nil {
		return nil, err
	}
	res.served = between(all, res.from, res.to)
	return res, nil
}

// fillQueue queues n builds pinned to the offline agent, and checks that
// they wait.
func fillQueue(ctx context.Context, r *rig, n int) error {
	for i := range n {
		params := map[string]string{"PR": fmt.Sprint(900000 + i), "NODE": offlineNode, "GORDON_USER": "bench"}
		if _, err := r.jenkins.Trigger(ctx, jobName(0), params); err != nil {
			return fmt.Errorf("fill the queue: %w", err)
		}
	}

	items, err := r.jenkins.Queue(ctx)
	if err != nil {
		return fmt.Errorf("fill the queue: %w", err)
	}
	if len(items) != n {
		return fmt.Errorf("fill the queue: %d items wait, want %d", len(items), n)
	}
	return nil
}

// rebuildLoop hands rebuild lines to the dispatcher one at a time and
// measures each.
type rebuildLoop struct {
	dispatcher *commands.Dispatcher
	audit      *timedPutter
	replies    *lastReply
	rec        *recorder
}

// newRebuildLoop wires the dispatcher with its audit trail in st, the
// store the follow-ups use too, as in gordon.
func newRebuildLoop(r *rig, st commands.Putter) *rebuildLoop {
	l := &rebuildLoop{replies: &lastReply{}, rec: &recorder{}}
	l.audit = &timedPutter{store: st}
	l.dispatcher = r.dispatcher(l.audit, l.replies)
	return l
}

// run makes o.warmup rebuilds, then o.n measured ones, each of a pull
// request of its own.
func (l *rebuildLoop) run(ctx context.Context, o options) (*rebuildResult, error) {
	lines, wants := rebuildLines(o)
	ctx = l.rec.context(ctx)
	res := &rebuildResult{samples: make([]sample, 0, o.n)}

	var before, after runtime.MemStats
	var cpu time.Duration
	for i := range lines {
		if i == o.warmup {
			runtime.GC()
			runtime.ReadMemStats(&before)
			cpu, res.from = cpuTime(), time.Now()
			l.rec.dials.Store(0)
		}

		s, err := l.once(ctx, lines[i], wants[i])
		switch {
		case err != nil && i < o.warmup:
			return nil, fmt.Errorf("warm-up rebuild: %w", err)
		case err != nil:
			res.failed++
			res.firstErr = keepFirst(res.firstErr, err)
		case i >= o.warmup:
			res.samples = append(res.samples, s)
			res.before = s.before
		}
	}

	res.to = time.Now()
	res.dials = l.rec.dials.Load()
	res.cpu = (cpuTime() - cpu) / time.Duration(o.n)
	runtime.ReadMemStats(&after)
	res.gcs = after.NumGC - before.NumGC
	res.phases = l.rec.phaseNames()
	res.allocs = float64(after.Mallocs-before.Mallocs) / float64(o.n)
	res.bytes = float64(after.TotalAlloc-before.TotalAlloc) / float64(o.n)
	return res, nil
}

// once runs one rebuild line and checks its answer.
func (l *rebuildLoop) once(ctx context.Context, line, want string) (sample, error) {
	l.rec.reset()
	l.audit.reset()

	start := time.Now()
	l.dispatcher.Handle(ctx, commands.Message{From: alice, Target: channel, Text: line})
	whole := time.Since(start)

	if got := l.replies.first(); !strings.HasPrefix(got, want) {
		return sample{}, fmt.Errorf("%q was answered %q", line, got)
	}
	sp, err := l.rec.span(start)
	if err != nil {
		return sample{}, fmt.Errorf("%q: %w", line, err)
	}
	return sample{span: sp, whole: whole, audit: l.audit.firstPut()}, nil
}

// rebuildLines returns the lines to send and the start of the answer
// each must get. They are made beforehand, so that the harness's own
// allocations stay out of the count.
func rebuildLines(o options) (lines, wants []string) {
	on := ""
	if o.on != "" {
		on = " on " + o.on
	}
	for i := range o.warmup + o.n {
		pr := i + 1
		lines = append(lines, fmt.Sprintf("!rebuild %d%s", pr, on))
		wants = append(wants, fmt.Sprintf("PR %d: queued %s (queue item", pr, jobName(0)))
	}
	return lines, wants
}

// cpuTime returns the CPU time the process used so far, user and
// system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// keepFirst keeps the first error seen.
func keepFirst(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// timedPutter passes the audit trail's records to the store and times
// the first since reset: the one written before the command runs.
type timedPutter struct {
	store commands.Putter

	mu        sync.Mutex
	puts      int
	firstTook time.Duration
}

// Put implements commands.Putter.
func (t *timedPutter) Put(ctx context.Context, key string, value []byte) error {
	start := time.Now()
	err := t.store.Put(ctx, key, value)
	took := time.Since(start)

	t.mu.Lock()
	if t.puts == 0 {
		t.firstTook = took
	}
	t.puts++
	t.mu.Unlock()
	return err
}

func (t *timedPutter) reset() {
	t.mu.Lock()
	t.puts, t.firstTook = 0, 0
	t.mu.Unlock()
}

func (t *timedPutter) firstPut() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.firstTook
}

// lastReply stands in for the IRC session: it keeps the first line of
// the last answer, for the check of each rebuild.
type lastReply struct {
	mu   sync.Mutex
	line string
}

var _ commands.Replier = (*lastReply)(nil)

// Send implements commands.Replier.
func (r *lastReply) Send(ctx context.Context, reply commands.Reply) error {
	if len(reply.Lines) > 0 {
		r.mu.Lock()
		r.line = reply.Lines[0]
		r.mu.Unlock()
	}
	return nil
}

func (r *lastReply) first() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.line
}
