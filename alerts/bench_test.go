package alerts_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gordonbot/gordon/alerts"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/internal/testbed"
)

// discard is a commands.Replier that drops every reply.
type discard struct{}

func (discard) Send(context.Context, commands.Reply) error { return nil }

// bigFleet returns a snapshot of n nodes with three checks each, sorted
// as the watch sorts them, and the nodes' metadata.
func bigFleet(n int) (consul.Snapshot, map[string]map[string]string) {
	var snap consul.Snapshot
	meta := map[string]map[string]string{}
	for i := range n {
		node := fmt.Sprintf("node-%05d", i)
		for _, id := range []string{"disk", "docker-daemon", "serfHealth"} {
			snap.Checks = append(snap.Checks, consul.HealthCheck{Node: node, Check: consul.Check{
				ID: id, Name: id, Status: consul.StatusPassing, Output: "ok",
			}})
		}
		meta[node] = map[string]string{"kernel": fmt.Sprintf("4.%d.0", i%20), "storage": []string{
			"overlay", "devmapper", "aufs"}[i%3], "distro": "ubuntu-14.04", "docker_version": "1.7.0"}
	}
	return snap, meta
}

// flipped returns a copy of snap with check i critical.
func flipped(snap consul.Snapshot, i int) consul.Snapshot {
	out := consul.Snapshot{Checks: slices.Clone(snap.Checks)}
	out.Checks[i].Status = consul.StatusCritical
	out.Checks[i].Output = "Cannot connect to the Docker daemon"
	return out
}

// BenchmarkObserve measures the engine's CPU per snapshot of a fleet of
// 5,000 nodes (15,000 checks): a snapshot where one check flips, then
// one where it flips back, each followed by the tick that sends its line
// (debounce and group window 0, so every op formats and routes a line).
func BenchmarkObserve(b *testing.B) {
	const nodes = 5000
	base, meta := bigFleet(nodes)
	failing := flipped(base, 3*(nodes/2)+1)

	for _, bench := range []struct {
		name  string
		snaps []consul.Snapshot
	}{
		{name: "one-check-flipping", snaps: []consul.Snapshot{failing, base}},
		{name: "no-change", snaps: []consul.Snapshot{base}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			now := time.Unix(0, 0)
			cfg := alerts.Config{Channel: "#fleet", Debounce: durPtr(0), GroupWindow: durPtr(0),
				Routes: []alerts.Route{{Channel: "#storage", Select: []string{"storage=devmapper"}}}}
			eng, err := alerts.New(alerts.Options{Config: cfg, Out: discard{}, Now: func() time.Time { return now },
				Facts: alerts.FactsFunc(func(context.Context) (map[string]map[string]string, error) {
					return meta, nil
				})})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if err := eng.RefreshFacts(ctx); err != nil {
				b.Fatal(err)
			}
			eng.Observe(base)
			_ = eng.Tick(ctx, now)

			// Each op moves the clock past the flap window, so that the
			// check never counts as flapping and every op sends a line.
			i := 0
			for b.Loop() {
				now = now.Add(alerts.DefaultFlapWindow + time.Second)
				eng.Observe(bench.snaps[i%len(bench.snaps)])
				if err := eng.Tick(ctx, now); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkAlertLatency measures, on the real chain (Consul, the watch,
// the engine, gordon on ngircd, a person in the channel), the time from a
// check's change in Consul to its line at the person's client, with
// debounce 0 and the watch paced as gordon runs it, less the group
// window. It runs its 20 flips (40 lines)
// once, whatever b.N is, and reports p50 and p99; run it with
// -run '^$' -bench AlertLatency -benchtime 1x.
func BenchmarkAlertLatency(b *testing.B) {
	const (
		flips  = 20
		window = 200 * time.Millisecond
	)
	var nodes []*nodeSpec
	for i := 1; i <= flips; i++ {
		nodes = append(nodes, &nodeSpec{name: fmt.Sprintf("lat-%d", i), storage: "overlay", kernel: "4.4.0",
			checks: map[string]string{"docker-daemon": consul.StatusPassing}})
	}
	bd := newBed(b, nodes)
	bd.watchInterval = 0
	cfg := alerts.Config{Channel: "#fleet", Debounce: durPtr(0), GroupWindow: durPtr(window),
		FlapWindow: config.Duration(time.Second)}

	var alice *testbed.Client
	bd.start(cfg, func() {
		alice = testbed.Dial(b, bd.irc.Addr, "alice")
		alice.Join(b, "#fleet")
	})
	alice.WaitPrivmsg(b, "gordon", "#fleet", has("watching"), lineWait)

	var samples []time.Duration
	measure := func(node, status, says string) {
		start := time.Now()
		bd.set([]string{node}, "docker-daemon", status, "")
		alice.WaitPrivmsg(b, "gordon", "#fleet", has(node+" "+says), lineWait)
		samples = append(samples, arrivedAt(alice, "#fleet", node+" "+says).Sub(start)-window)
	}
	for _, n := range nodes {
		measure(n.name, consul.StatusCritical, "critical on")
		measure(n.name, consul.StatusPassing, "recovered on")
	}

	slices.Sort(samples)
	p50, p99 := samples[len(samples)/2], samples[(len(samples)*99+99)/100-1]
	b.Logf("alert latency beyond the group window over %d lines: p50 %s, p99 %s, max %s",
		len(samples), p50, p99, samples[len(samples)-1])
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}
