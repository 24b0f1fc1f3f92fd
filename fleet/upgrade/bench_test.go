package upgrade

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/store"
)

// bigFleet is n nodes with the facts of a real fleet: one in ten in
// maintenance, one in ten already at the target; and their agents, with
// labels by storage driver and distribution, a gpu on one in twenty.
func bigFleet(n int) ([]fleet.Node, []Agent) {
	storages := []string{"overlay2", "devmapper", "aufs", "btrfs", "zfs", "vfs"}
	distros := []string{"debian-10", "debian-11", "ubuntu-20.04", "ubuntu-22.04", "centos-7", "fedora-38"}
	nodes := make([]fleet.Node, n)
	agents := make([]Agent, n)
	for i := range nodes {
		name := fmt.Sprintf("ci-%05d", i)
		version := "Docker version 23.0.6, build ef23cbc"
		if i%10 == 3 {
			version = "Docker version " + target + ", build 0baf609"
		}
		nodes[i] = fleet.Node{Name: name, Address: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			Maintenance: i%10 == 7,
			Meta: map[string]string{"kernel": "5.10.0-21-amd64", "distro": distros[i%len(distros)],
				"storage": storages[i%len(storages)], DefaultVersionMeta: version}}

		labels := []string{name, "linux", "docker", storages[i%len(storages)], distros[i%len(distros)]}
		if i%20 == 0 {
			labels = append(labels, "gpu")
		}
		agents[i] = Agent{Name: name, Labels: labels, Offline: i%50 == 11}
	}
	return nodes, agents
}

// BenchmarkPlan5000 is a plan over 5,000 nodes and their agents, as
// Upgrader.Plan makes it once the fleet and Jenkins have answered.
func BenchmarkPlan5000(b *testing.B) {
	nodes, agents := bigFleet(5000)
	w := &world{nodes: nodes, agents: agents}
	u, err := New(Options{Fleet: w, Agents: w, Control: w, Maintenance: w, Health: w, Runner: w,
		Store: store.NewMemory(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	req := Request{Version: target, Batch: CountOf(10), Canary: CountOf(2)}

	var p Plan
	for b.Loop() {
		if p, err = u.Plan(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(p.Size()), "nodes")
	b.ReportMetric(float64(len(p.Batches)), "batches")
}

// noop is a fleet where everything answers at once and well: the runner
// does nothing, every node reports the target with its checks passing.
type noop struct {
	nodes []fleet.Node
}

func (n noop) Select(ctx context.Context, sels fleet.Selectors) ([]fleet.Node, error) {
	return n.nodes, nil
}
func (noop) Agents(ctx context.Context) ([]Agent, error)                    { return nil, nil }
func (noop) Offline(ctx context.Context, node, reason string) (bool, error) { return false, nil }
func (noop) Online(ctx context.Context, node string) error                  { return nil }
func (noop) Busy(ctx context.Context, node string) (bool, error)            { return false, nil }
func (noop) On(ctx context.Context, t Target, who, reason string) error     { return nil }
func (noop) Off(ctx context.Context, t Target) error                        { return nil }
func (noop) Run(ctx context.Context, t Target) (Result, error)              { return Result{}, nil }
func (noop) Node(ctx context.Context, t Target) (NodeHealth, error) {
	return NodeHealth{Version: t.Version}, nil
}
func (noop) Announce(ctx context.Context, p Place, lines ...string) error { return nil }

// BenchmarkRolloutNoop1000 rolls an upgrade over 1,000 nodes with a
// runner and health that cost nothing and no settle time, so that all
// that is measured is the Upgrader's own work per node: its steps, their
// records in the store, the batch bookkeeping. Batches of one make it
// serial; ns/node is the overhead of one node.
func BenchmarkRolloutNoop1000(b *testing.B) {
	for _, kind := range []string{"memory", "bolt"} {
		for _, batch := range []int{1, 10} {
			b.Run(fmt.Sprintf("store=%s/batch=%d", kind, batch), func(b *testing.B) {
				benchRollout(b, kind, batch)
			})
		}
	}
}

func benchRollout(b *testing.B, kind string, batch int) {
	nodes := fleetOf(1000)
	cfg := testConfig()
	cfg.Settle = durationPtr(0)
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		kv := benchStore(b, kind, i)
		f := noop{nodes: nodes}
		u, err := New(Options{Config: cfg, Fleet: f, Agents: f, Control: f, Maintenance: f, Health: f,
			Runner: f, Store: kv, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); u.Run(ctx, f) }()
		for _, err := u.Status(); err != nil; _, err = u.Status() {
			time.Sleep(time.Microsecond)
		}

		p, err := u.Plan(ctx, Request{Version: target, Batch: CountOf(batch), Canary: CountOf(0)})
		if err != nil {
			b.Fatal(err)
		}
		started := time.Now()
		if err := u.Start(ctx, p, Confirmation{AskedBy: "a", ConfirmedBy: "b", Place: Place{Target: "#x"}}); err != nil {
			b.Fatal(err)
		}
		for s, _ := u.Status(); s.Phase != PhaseDone; s, _ = u.Status() {
			time.Sleep(50 * time.Microsecond)
		}
		total += time.Since(started)
		cancel()
		<-done
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N*len(nodes)), "ns/node")
}

// benchStore returns a memory store, or a bbolt file as gordon keeps.
func benchStore(b *testing.B, kind string, i int) Store {
	if kind == "memory" {
		return store.NewMemory()
	}
	db, err := store.OpenBolt(filepath.Join(b.TempDir(), fmt.Sprintf("gordon-%d.db", i)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}
