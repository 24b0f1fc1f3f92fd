package commands

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
)

// discard is a Replier that drops every reply.
type discard struct{}

func (discard) Send(ctx context.Context, r Reply) error { return nil }

// BenchmarkDispatch measures a channel line from its arrival to the reply
// being handed to the replier: addressing, tokenizing, role check, rate
// limit, running a small action with its audit records, and the answer.
// It reports the median and p99 of single dispatches as well as the mean.
func BenchmarkDispatch(b *testing.B) {
	reg := NewRegistry()
	reg.Register(Builtins(reg, BuildInfo{Started: time.Now()})...)
	reg.Register(Command{Name: "maint", Role: RoleMaintainer, Action: true,
		Run: func(ctx context.Context, req *Request) error {
			req.Reply("%d selectors", len(req.Inv.Selectors()))
			return nil
		}})
	d := NewDispatcher(Options{
		Registry: reg,
		Roles:    NewRoles([]Maintainer{{Name: "alice", Accounts: []string{"alice"}}}),
		Out:      discard{},
		Audit:    NewAudit(&memPutter{}),
		Config:   Config{Timeout: config.Duration(time.Second), RateBurst: 1000},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Nick:     "gordon",
		Prefix:   "!",
	})
	msg := Message{From: alice, Target: "#fleet",
		Text: `!maint kernel=4.* storage!=overlay dm-? on --force "disk replaced"`}
	ctx := context.Background()

	samples := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		d.Handle(ctx, msg)
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()

	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(samples[len(samples)*99/100].Nanoseconds()), "p99-ns")
}
