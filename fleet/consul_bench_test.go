package fleet_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
)

// benchFleetSize is how many nodes the benchmarks register.
const benchFleetSize = 5000

// lastReply is a Replier that keeps the last reply.
type lastReply struct {
	mu    sync.Mutex
	lines []string
}

func (r *lastReply) Send(ctx context.Context, rep commands.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = rep.Lines
	return nil
}

// BenchmarkNodesByKernel measures `nodes unhealthy storage=devmapper by
// kernel` end to end over 5,000 nodes in a real Consul agent: the line
// reaching the dispatcher, the filter expression, both requests to
// Consul and decoding their answers, health, grouping, and the reply
// handed to the replier. It reports the median and p99 as well.
func BenchmarkNodesByKernel(b *testing.B) {
	_, inv := startFleet(b, syntheticFleet(benchFleetSize, 2))
	out := &lastReply{}
	d := benchDispatcher(inv, out)
	msg := commands.Message{
		From:   commands.Identity{Nick: "alice", Account: "alice", AccountsTracked: true},
		Target: "#fleet",
		Text:   "!nodes unhealthy storage=devmapper by kernel",
	}
	ctx := context.Background()

	d.Handle(ctx, msg)
	if len(out.lines) == 0 || !strings.Contains(out.lines[0], "unhealthy (storage=devmapper)") {
		b.Fatalf("reply = %q", out.lines)
	}
	b.Logf("reply:\n%s", strings.Join(out.lines, "\n"))

	samples := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		d.Handle(ctx, msg)
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()

	reportPercentiles(b, samples)
}

// BenchmarkListAll measures the inventory alone listing every one of
// 5,000 nodes with no selector: the largest answer Consul can give.
func BenchmarkListAll(b *testing.B) {
	_, inv := startFleet(b, syntheticFleet(benchFleetSize, 2))
	ctx := context.Background()

	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		l, err := inv.List(ctx, fleet.Query{})
		if err != nil || l.Counts.Total() != benchFleetSize+1 {
			b.Fatalf("List = %d nodes, %v", l.Counts.Total(), err)
		}
	}
}

// benchDispatcher returns a dispatcher with the nodes commands over inv
// and no rate limit.
func benchDispatcher(inv *fleet.Inventory, out commands.Replier) *commands.Dispatcher {
	reg := commands.NewRegistry()
	reg.Register(commands.NodeCommands(inv, nil)...)
	return commands.NewDispatcher(commands.Options{
		Registry: reg,
		Roles:    commands.NewRoles(nil),
		Out:      out,
		Config:   commands.Config{Timeout: config.Duration(10 * time.Second), RateBurst: 1},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Nick:     "gordon",
		Prefix:   "!",
	})
}

// reportPercentiles adds the median and p99 of samples to the results.
func reportPercentiles(b *testing.B, samples []time.Duration) {
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(samples[len(samples)*99/100].Microseconds())/1000, "p99-ms")
}
