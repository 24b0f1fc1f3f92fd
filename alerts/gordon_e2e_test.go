package alerts_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/alerts"
	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/store"
)

// gordon is gordon's alert side on a bed, wired as main wires it: the IRC
// session answering the silence commands, the engine reading silences,
// gordon's maintenance records and its saved state from a bbolt store,
// and the health watch telling it when Consul fails. It stops and starts
// again over the same store, as a restart of the process does.
type gordon struct {
	t   testing.TB
	b   *bed
	cfg alerts.Config

	// shippedFlood keeps the IRC session's flood settings as shipped
	// (a burst of 4, then one line every 2 s); otherwise it sends a line
	// every 50 ms, so that tests do not wait on pacing.
	shippedFlood bool

	st    *store.Bolt
	maint *fleet.MaintBook

	// sent records when each reply was handed to the session, across runs.
	sent sendLog

	// Of the current run.
	reg     *prometheus.Registry
	session *bot.Session
	eng     *alerts.Engine
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// newGordon returns gordon over b with its own store; start runs it.
func newGordon(t testing.TB, b *bed, cfg alerts.Config) *gordon {
	t.Helper()
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), "gordon.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return &gordon{t: t, b: b, cfg: cfg, st: st, maint: fleet.NewMaintBook(st)}
}

// start runs gordon until halt or the end of the test, and waits until
// its session is in its channels. people runs once gordon is in them,
// the first time only matters: people already there stay.
func (g *gordon) start() {
	g.t.Helper()
	log := testLogger(g.t)
	ctx, cancel := context.WithCancel(context.Background())
	g.stop = cancel
	g.reg = prometheus.NewRegistry()
	g.t.Cleanup(g.halt)

	client, err := consul.New(consul.Config{Address: g.b.consul.Addr})
	if err != nil {
		g.t.Fatalf("consul.New: %v", err)
	}
	book := alerts.NewSilenceBook(g.st)
	g.session = bot.NewSession(sessionConfig(g.t, g.ircConfig()), log, g.reg)

	eng, err := alerts.New(alerts.Options{
		Config: g.cfg, Facts: alerts.ListedFacts(fleet.ConsulSource{Client: client}),
		Out: stamped{g.session, &g.sent}, Logger: log, Registerer: g.reg,
		Silences: book, Maint: g.maint, State: g.st,
	})
	if err != nil {
		g.t.Fatalf("alerts.New: %v", err)
	}
	g.eng = eng

	inv := fleet.NewInventory(fleet.ConsulSource{Client: client}, client, fleet.DefaultMetaKeys())
	inv = inv.WithMaint(g.maint)
	runSession(g.t, ctx, &g.wg, g.session, g.dispatcher(inv, book, log))
	watch := client.WatchHealth(consul.WatchOptions{
		Wait: 30 * time.Second, MinInterval: g.b.watchInterval, Logger: log,
		RetryMin: 100 * time.Millisecond, RetryMax: time.Second,
		OnFailure: func(_ int, err error) { eng.Unreachable(alerts.DependencyConsul, err) },
		OnRecover: func(int) { eng.Reachable(alerts.DependencyConsul) },
	})
	g.wg.Go(func() { _ = eng.Run(ctx) })
	g.wg.Go(func() { _ = watch.Run(ctx, eng.Observe) })
}

// ircConfig is the session's configuration on the bed's server.
func (g *gordon) ircConfig() bot.Config {
	cfg := bot.Config{Server: g.b.irc.Addr, Nick: "gordon", Channels: g.cfg.Channels()}
	if !g.shippedFlood {
		cfg.FloodInterval = config.Duration(50 * time.Millisecond)
	}
	return cfg
}

// dispatcher answers the silence commands and confirm, alice being the
// one maintainer (by hostmask: ngircd tracks no accounts).
func (g *gordon) dispatcher(inv *fleet.Inventory, book *alerts.SilenceBook, log *slog.Logger,
) *commands.Dispatcher {
	confirm := commands.NewConfirmer(commands.ConfirmTTL)
	reg := commands.NewRegistry()
	reg.Register(confirm.Command())
	reg.Register(commands.SilenceCommands(commands.SilenceOptions{Nodes: inv, Silences: book,
		Confirm: confirm, Logger: log})...)

	var cfg commands.Config
	cfg.Defaults()
	return commands.NewDispatcher(commands.Options{
		Registry: reg, Out: g.session, Logger: log, Config: cfg, Nick: "gordon", Prefix: "!",
		Roles:       commands.NewRoles([]commands.Maintainer{{Name: "alice", Hostmasks: []string{"alice!*@*"}}}),
		MainChannel: g.cfg.Channel,
	})
}

// halt stops gordon and waits for all of it, its last save included;
// again does nothing.
func (g *gordon) halt() {
	if g.stop == nil {
		return
	}
	g.stop()
	g.stop = nil
	g.wg.Wait()
}

// counter returns the value of a counter of the current run, summed over
// its labels.
func (g *gordon) counter(name string) float64 {
	return gathered(g.t, g.reg, name)
}

// gathered returns the value of a counter or gauge of reg, summed over
// its labels.
func gathered(t testing.TB, reg *prometheus.Registry, name string) float64 {
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			total += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return total
}

// sendLog keeps when each alert reply was handed to the chat side.
type sendLog struct {
	mu  sync.Mutex
	all []sentReply
}

// sentReply is one reply and when it was handed over.
type sentReply struct {
	at    time.Time
	lines []string
}

// since returns the replies handed over from t on.
func (l *sendLog) since(t time.Time) []sentReply {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []sentReply
	for _, r := range l.all {
		if !r.at.Before(t) {
			out = append(out, r)
		}
	}
	return out
}

// stamped is a replier that records each reply in a sendLog before
// passing it on.
type stamped struct {
	out commands.Replier
	log *sendLog
}

func (s stamped) Send(ctx context.Context, r commands.Reply) error {
	s.log.mu.Lock()
	s.log.all = append(s.log.all, sentReply{at: time.Now(), lines: r.Lines})
	s.log.mu.Unlock()
	return s.out.Send(ctx, r)
}
