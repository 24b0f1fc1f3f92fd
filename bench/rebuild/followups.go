package main

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gordonbot/gordon/commands"
)

// followResult is what one run of the follow-up loop measured.
type followResult struct {
	poll time.Duration
	n    int

	// follow is how long Follow took for all n, one after another.
	follow time.Duration

	// Go heap after a collection, before the follow-ups were opened,
	// once they were, and after the loop ran (records then hold their
	// builds); and the process's RSS at the same three points.
	heap [3]heapFigures
	rss  [3]int64

	// lines is what the loop sent; stillOpen, the follow-ups open at
	// the end. firstLine and allLines are how long after the loop
	// started the first line went, and the n-th, when they did.
	lines     int64
	stillOpen int
	firstLine time.Duration
	allLines  time.Duration

	// The loop ran for window from loopStart; served is what the
	// simulator answered meanwhile.
	loopStart time.Time
	window    time.Duration
	served    []served
}

// heapFigures are the live heap (HeapAlloc) and the heap spans in use
// (HeapInuse), in bytes.
type heapFigures struct {
	live  int64
	inuse int64
}

// benchFollowups opens o.followups follow-ups of builds that run for a
// day, spread over o.jobs jobs, and runs the engine's loop with poll as
// its interval and followup's defaults otherwise, against a fresh
// simulator and a fresh bbolt file.
func benchFollowups(ctx context.Context, o options, poll time.Duration) (*followResult, error) {
	nodes := 8
	sim, err := startSim(simOptions{jobs: o.jobs, build: 24 * time.Hour, nodes: nodes,
		executors: o.followups/nodes + 1})
	if err != nil {
		return nil, err
	}
	defer sim.stop()

	st, closeStore, err := openStore("bolt", o.dir)
	if err != nil {
		return nil, err
	}
	defer closeStore()

	r, err := newRig(sim.url, st, poll)
	if err != nil {
		return nil, err
	}
	fs, err := queueBuilds(ctx, r, o)
	if err != nil {
		return nil, err
	}

	res := &followResult{poll: poll, n: len(fs), window: o.window}
	if err := res.openAll(ctx, r, fs); err != nil {
		return nil, err
	}
	res.runLoop(ctx, r)
	runtime.KeepAlive(fs)

	all, err := sim.served(ctx)
	if err != nil {
		return nil, err
	}
	res.served = between(all, res.loopStart, res.loopStart.Add(res.window))
	return res, nil
}

// queueBuilds queues one build a pull request, through the bridge as
// rebuild does, and returns the follow-ups to open for them.
func queueBuilds(ctx context.Context, r *rig, o options) ([]commands.Followup, error) {
	jobs := make([]string, o.jobs)
	for i := range jobs {
		jobs[i] = jobName(i)
	}

	fs := make([]commands.Followup, 0, o.followups)
	for i := range o.followups {
		pr, job := i+1, jobs[i%len(jobs)]
		id, _, err := r.bridge.QueueBuild(ctx, job, map[string]string{"PR": strconv.Itoa(pr)}, "", alice.Nick)
		if err != nil {
			return nil, fmt.Errorf("queue %s for PR %d: %w", job, pr, err)
		}
		fs = append(fs, commands.Followup{Job: job, QueueID: id, PR: pr, Who: alice.Nick, Nick: alice.Nick,
			Target: channel, Asked: time.Now()})
	}
	return fs, nil
}

// openAll hands fs to the engine, with the heap and RSS measured before
// and after. The caller keeps fs alive until the last measurement, so
// that only what the engine and the store keep is counted.
func (res *followResult) openAll(ctx context.Context, r *rig, fs []commands.Followup) error {
	res.heap[0], res.rss[0] = liveHeap(), rss()

	start := time.Now()
	for _, f := range fs {
		if err := r.followups.Follow(ctx, f); err != nil {
			return err
		}
	}
	res.follow = time.Since(start)

	res.heap[1], res.rss[1] = liveHeap(), rss()
	return nil
}

// runLoop runs the engine's loop for the window, then measures again.
func (res *followResult) runLoop(ctx context.Context, r *rig) {
	out := &countingReplier{want: int64(res.n)}
	ctx, cancel := context.WithTimeout(ctx, res.window)
	defer cancel()

	res.loopStart = time.Now()
	_ = r.followups.Run(ctx, out)
	res.window = time.Since(res.loopStart)

	res.lines = out.lines.Load()
	res.firstLine, res.allLines = out.since(res.loopStart)
	res.stillOpen = len(r.followups.Open())
	res.heap[2], res.rss[2] = liveHeap(), rss()

	// Nothing uses the engine after this; without this line the
	// collection above would free it, follow-ups and all.
	runtime.KeepAlive(r)
}

// liveHeap collects garbage and returns the heap figures.
func liveHeap() heapFigures {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return heapFigures{live: int64(m.HeapAlloc), inuse: int64(m.HeapInuse)}
}

// countingReplier stands in for the IRC session: it counts the lines,
// and notes when the first came and when the count reached want.
type countingReplier struct {
	want  int64
	lines atomic.Int64

	mu          sync.Mutex
	first, last time.Time
}

var _ commands.Replier = (*countingReplier)(nil)

// Send implements commands.Replier.
func (c *countingReplier) Send(ctx context.Context, r commands.Reply) error {
	n := c.lines.Add(int64(len(r.Lines)))
	now := time.Now()

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.first.IsZero() {
		c.first = now
	}
	if n >= c.want && c.last.IsZero() {
		c.last = now
	}
	return nil
}

// since returns how long after start the first line and the want-th
// came; zero for one that did not.
func (c *countingReplier) since(start time.Time) (first, last time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.first.IsZero() {
		first = c.first.Sub(start)
	}
	if !c.last.IsZero() {
		last = c.last.Sub(start)
	}
	return first, last
}
