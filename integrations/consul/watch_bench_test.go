//go:build unix

package consul

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/gordonbot/gordon/internal/testbed"
)

// benchNodes is the size of the fleet the benchmark watches: the largest
// fleet gordon is meant for.
const benchNodes = 5000

// benchFleet returns benchNodes nodes, each with metadata and two passing
// checks whose output is as long as a real check's.
func benchFleet() []testbed.ConsulNode {
	kernels := []string{"4.19.0-17", "5.10.0-21", "6.1.0-9"}
	nodes := make([]testbed.ConsulNode, benchNodes)
	for i := range nodes {
		nodes[i] = testbed.ConsulNode{
			Name:    benchNode(i),
			Address: fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff),
			Meta:    map[string]string{"kernel": kernels[i%len(kernels)], "storage": "overlay2"},
			Checks: []testbed.ConsulCheck{
				benchDisk(StatusPassing),
				{ID: "docker", Name: "docker", Status: StatusPassing, Output: "Docker version 1.7.0, build 0baf609"},
			},
		}
	}
	return nodes
}

func benchNode(i int) string {
	return fmt.Sprintf("ci-%04d", i%benchNodes)
}

// benchDisk is the check the benchmark flips.
func benchDisk(status string) testbed.ConsulCheck {
	return testbed.ConsulCheck{ID: "disk", Name: "disk", Status: status, Output: "/var/lib/docker 42% used"}
}

// BenchmarkWatch measures a health watch over benchNodes nodes, as gordon
// runs it (default options), per change of one check: from the write to
// Consul to the snapshot reaching the consumer, and what the change costs
// this process in allocations and CPU time. "isolated" changes come one
// at a time, as a quiet fleet's do; "back-to-back" ones come as soon as
// the last was delivered, so that MinInterval delays them; "write-only"
// makes the same writes with no watch, the part of the costs that is the
// benchmark's own.
//
// Run it with: go test -run XXX -bench Watch -benchtime 20x ./integrations/consul/
func BenchmarkWatch(b *testing.B) {
	b.Setenv("CONSUL_HTTP_TOKEN", "")
	b.Setenv("CONSUL_HTTP_TOKEN_FILE", "")
	agent := testbed.StartConsul(b, testbed.ConsulOptions{})
	registered := time.Now()
	agent.Register(b, benchFleet()...)
	b.Logf("registered %d nodes in %s", benchNodes, time.Since(registered))

	c, err := New(Config{Address: agent.Addr})
	if err != nil {
		b.Fatalf("New: %v", err)
	}

	bench := benchRun{c: c, agent: agent}
	b.Run("isolated", func(b *testing.B) { bench.changes(b, DefaultWatchInterval, true) })
	b.Run("back-to-back", func(b *testing.B) { bench.changes(b, 0, true) })
	b.Run("write-only", func(b *testing.B) { bench.changes(b, 0, false) })
}

// benchRun is what the runs of BenchmarkWatch share.
type benchRun struct {
	c     *Client
	agent *testbed.Consul

	// flips counts the checks flipped by every run so far, so that each
	// run goes on where the last stopped and every write is a change.
	flips int
}

// changes flips b.N checks, each after pause, waiting for each to be
// delivered when watched is set.
func (r *benchRun) changes(b *testing.B, pause time.Duration, watched bool) {
	snaps := make(chan Snapshot, 1)
	var w *HealthWatch
	if watched {
		w, snaps = benchWatch(b, r.c)
		if _, ok := benchReceive(snaps, func(Snapshot) bool { return true }); !ok {
			b.Fatalf("no first snapshot within %s", watchBound)
		}
	}

	latencies := make([]time.Duration, 0, b.N)
	queries := benchQueries(w)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := cpuTime(b)
	b.ReportAllocs()
	b.ResetTimer()

	for range b.N {
		benchPause(b, pause)

		node, status := benchFlip(r.flips)
		r.flips++
		written := time.Now()
		r.agent.SetCheck(b, node, benchDisk(status))
		if !watched {
			continue
		}

		arrived := func(s Snapshot) bool { return benchStatus(s, node) == status }
		if _, ok := benchReceive(snaps, arrived); !ok {
			b.Fatalf("%s turning %s not delivered within %s", node, status, watchBound)
		}
		latencies = append(latencies, time.Since(written))
	}

	b.StopTimer()
	cpu = cpuTime(b) - cpu
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N), "alloc-B/change")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/change")
	b.ReportMetric(float64(benchQueries(w)-queries)/float64(b.N), "queries/change")
	reportLatency(b, latencies)
}

// benchFlip returns the node and the new disk status of the n-th flip:
// every node in turn to critical, then every node back to passing.
func benchFlip(n int) (node, status string) {
	status = StatusCritical
	if n/benchNodes%2 == 1 {
		status = StatusPassing
	}
	return benchNode(n), status
}

// benchPause waits d with the timer stopped.
func benchPause(b *testing.B, d time.Duration) {
	if d <= 0 {
		return
	}
	b.StopTimer()
	<-time.After(d)
	b.StartTimer()
}

// benchWatch runs a watch with default options until the benchmark ends,
// and returns it and what it delivers.
func benchWatch(b *testing.B, c *Client) (*HealthWatch, chan Snapshot) {
	ctx, cancel := context.WithCancel(context.Background())
	w := c.WatchHealth(WatchOptions{})
	snaps := make(chan Snapshot)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Run(ctx, func(s Snapshot) {
			select {
			case snaps <- s:
			case <-ctx.Done():
			}
		})
	}()

	b.Cleanup(func() {
		cancel()
		<-done
	})
	return w, snaps
}

// benchQueries returns how many queries w has sent, none when there is
// no watch.
func benchQueries(w *HealthWatch) uint64 {
	if w == nil {
		return 0
	}
	return w.Stats().Queries
}

// benchReceive returns the first snapshot for which ok holds, and false
// when none comes within watchBound.
func benchReceive(snaps <-chan Snapshot, ok func(Snapshot) bool) (Snapshot, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), watchBound)
	defer cancel()
	for {
		select {
		case s := <-snaps:
			if ok(s) {
				return s, true
			}
		case <-ctx.Done():
			return Snapshot{}, false
		}
	}
}

// benchStatus returns the status of node's disk check in s.
func benchStatus(s Snapshot, node string) string {
	for _, c := range s.NodeChecks(node) {
		if c.ID == "disk" {
			return c.Status
		}
	}
	return ""
}

// reportLatency reports the median and the worst time from a write to its
// delivery, in milliseconds.
func reportLatency(b *testing.B, latencies []time.Duration) {
	if len(latencies) == 0 {
		return
	}

	slices.Sort(latencies)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(latencies[len(latencies)/2]), "p50-latency-ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]), "max-latency-ms")
}

// cpuTime returns the user and system CPU time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
