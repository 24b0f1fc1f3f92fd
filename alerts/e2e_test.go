package alerts_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
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
	"github.com/gordonbot/gordon/internal/testbed"
)

// Waits of the end-to-end tests: generous, since a loaded machine running
// the race detector is slow, and never an assertion on time.
const (
	lineWait  = 20 * time.Second
	readyWait = 20 * time.Second
)

// nodeSpec is a synthetic node of the test fleet and how its checks stand.
type nodeSpec struct {
	name    string
	storage string
	kernel  string
	checks  map[string]string // check ID to status
	output  map[string]string // check ID to output
}

// consulNode returns the node as the test bed registers it.
func (n *nodeSpec) consulNode() testbed.ConsulNode {
	cn := testbed.ConsulNode{Name: n.name, Meta: map[string]string{
		"storage": n.storage, "kernel": n.kernel, "distro": "ubuntu-14.04",
	}}
	for id, status := range n.checks {
		cn.Checks = append(cn.Checks, testbed.ConsulCheck{ID: id, Name: id, Status: status, Output: n.output[id]})
	}
	return cn
}

// bed is the whole chain on loopback: Consul, the health watch, the
// engine, gordon's IRC session on ngircd, and people in the channels.
type bed struct {
	t      testing.TB
	consul *testbed.Consul
	irc    *testbed.IRCServer
	reg    *prometheus.Registry
	nodes  map[string]*nodeSpec

	// watchInterval is the health watch's MinInterval; 0 is the watch's
	// default, as gordon runs it.
	watchInterval time.Duration

	stop context.CancelFunc
	wg   sync.WaitGroup
}

// newBed starts Consul with nodes registered, and ngircd without flood
// control.
func newBed(t testing.TB, nodes []*nodeSpec) *bed {
	t.Helper()
	return newBedWith(t, nodes, testbed.NgircdOptions{NoPenalty: true})
}

// newBedWith starts Consul with nodes registered, and ngircd with opts.
func newBedWith(t testing.TB, nodes []*nodeSpec, opts testbed.NgircdOptions) *bed {
	t.Helper()
	b := &bed{t: t, reg: prometheus.NewRegistry(), nodes: map[string]*nodeSpec{},
		watchInterval: 20 * time.Millisecond}
	b.consul = testbed.StartConsul(t, testbed.ConsulOptions{})
	b.irc = testbed.StartNgircd(t, opts)

	var reg []testbed.ConsulNode
	for _, n := range nodes {
		if n.output == nil {
			n.output = map[string]string{}
		}
		b.nodes[n.name] = n
		reg = append(reg, n.consulNode())
	}
	b.consul.Register(t, reg...)
	return b
}

// start runs gordon's session, waits until it is in its channels, then
// runs the engine on cfg behind a health watch of the test Consul.
func (b *bed) start(cfg alerts.Config, people func()) {
	b.t.Helper()
	log := testLogger(b.t)
	ctx, cancel := context.WithCancel(context.Background())
	b.stop = cancel
	b.t.Cleanup(b.shutdown)

	session := startSession(b.t, ctx, &b.wg, b.irc.Addr, cfg.Channels(), log)
	people()

	client, err := consul.New(consul.Config{Address: b.consul.Addr})
	if err != nil {
		b.t.Fatalf("consul.New: %v", err)
	}
	eng, err := alerts.New(alerts.Options{
		Config: cfg, Facts: alerts.ListedFacts(fleet.ConsulSource{Client: client}),
		Out: session, Logger: log, Registerer: b.reg,
	})
	if err != nil {
		b.t.Fatalf("alerts.New: %v", err)
	}

	watch := client.WatchHealth(consul.WatchOptions{Wait: 30 * time.Second, MinInterval: b.watchInterval,
		Logger: log})
	b.wg.Go(func() { _ = eng.Run(ctx) })
	b.wg.Go(func() { _ = watch.Run(ctx, eng.Observe) })
}

// shutdown stops everything start began, and waits for it.
func (b *bed) shutdown() {
	if b.stop != nil {
		b.stop()
	}
	b.wg.Wait()
}

// set changes checks of a node in Consul: id and status pairs, with an
// optional output for all.
func (b *bed) set(names []string, id, status, output string) {
	b.t.Helper()
	var reg []testbed.ConsulNode
	for _, name := range names {
		n := b.nodes[name]
		n.checks[id] = status
		n.output[id] = output
		reg = append(reg, n.consulNode())
	}
	b.consul.Register(b.t, reg...)
}

// counter returns the value of a counter the engine registered.
func (b *bed) counter(name string) float64 {
	mfs, err := b.reg.Gather()
	if err != nil {
		b.t.Fatalf("gathering metrics: %v", err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}

// waitCounter waits until a counter reaches at least want.
func (b *bed) waitCounter(name string, want float64) {
	b.t.Helper()
	deadline := time.Now().Add(lineWait)
	for b.counter(name) < want {
		if time.Now().After(deadline) {
			b.t.Fatalf("%s = %v after %s, want at least %v", name, b.counter(name), lineWait, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// quietHandler ignores every line people send gordon: these tests are
// about what gordon says, not what it is told.
type quietHandler struct{}

func (quietHandler) Handle(context.Context, commands.Message) {}

// startSession runs gordon's IRC session in channels until ctx ends, and
// waits until it has joined them.
func startSession(t testing.TB, ctx context.Context, wg *sync.WaitGroup, addr string, channels []string,
	log *slog.Logger,
) *bot.Session {
	t.Helper()
	cfg := bot.Config{Server: addr, Nick: "gordon", Channels: channels,
		FloodInterval: config.Duration(50 * time.Millisecond)}
	s := bot.NewSession(sessionConfig(t, cfg), log, nil)
	return runSession(t, ctx, wg, s, quietHandler{})
}

// sessionConfig fills cfg's defaults and checks it.
func sessionConfig(t testing.TB, cfg bot.Config) bot.Config {
	t.Helper()
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("irc config: %v", err)
	}
	return cfg
}

// runSession runs s with h until ctx ends, and waits until it has joined
// its channels.
func runSession(t testing.TB, ctx context.Context, wg *sync.WaitGroup, s *bot.Session, h bot.Handler,
) *bot.Session {
	t.Helper()
	wg.Go(func() { _ = s.Run(ctx, h) })

	deadline := time.Now().Add(readyWait)
	for {
		ok, why := s.Ready()
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("gordon not ready: %s", why)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testLogger logs to the test when it runs verbose.
func testLogger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// has returns a match for WaitPrivmsg: text holding every part.
func has(parts ...string) func(string) bool {
	return func(text string) bool {
		for _, p := range parts {
			if !strings.Contains(text, p) {
				return false
			}
		}
		return true
	}
}

// arrivedAt returns when the first line to target holding every part
// reached c.
func arrivedAt(c *testbed.Client, target string, parts ...string) time.Time {
	for _, m := range c.Messages() {
		if strings.EqualFold(m.Target, target) && has(parts...)(m.Text) {
			return m.At
		}
	}
	return time.Time{}
}

// testFleet returns four devmapper nodes on 3.19 kernels and eight
// overlay nodes on 4.4, all passing but ov-8's docker-daemon.
func testFleet() []*nodeSpec {
	var nodes []*nodeSpec
	for i := 1; i <= 4; i++ {
		nodes = append(nodes, &nodeSpec{name: fmt.Sprintf("dm-%d", i), storage: "devmapper",
			kernel: fmt.Sprintf("3.19.0-%d-generic", 20+i), checks: map[string]string{
				"docker-daemon": consul.StatusPassing, "disk": consul.StatusPassing}})
	}
	for i := 1; i <= 8; i++ {
		nodes = append(nodes, &nodeSpec{name: fmt.Sprintf("ov-%d", i), storage: "overlay",
			kernel: "4.4.0-21-generic", checks: map[string]string{
				"docker-daemon": consul.StatusPassing, "disk": consul.StatusPassing,
				"registry": consul.StatusPassing, "flappy": consul.StatusPassing}})
	}
	nodes[len(nodes)-1].checks["docker-daemon"] = consul.StatusCritical
	return nodes
}

// durPtr returns a pointer to a duration, for the settings where zero
// means something.
func durPtr(d time.Duration) *config.Duration {
	c := config.Duration(d)
	return &c
}

// e2eDebounce and e2eWindow are the end-to-end test's debounce and group
// window: short, so that the test is quick, and long enough that a
// loaded machine still sees three registrations fall into one window.
const (
	e2eDebounce = 300 * time.Millisecond
	e2eWindow   = time.Second
)

// e2eConfig routes devmapper nodes to #storage and disk checks to carol,
// and gives the registry check a debounce of its own.
func e2eConfig() alerts.Config {
	return alerts.Config{
		Channel:       "#fleet",
		Debounce:      durPtr(e2eDebounce),
		GroupWindow:   durPtr(e2eWindow),
		FlapChanges:   3,
		FlapWindow:    config.Duration(3 * time.Second),
		CheckDebounce: map[string]config.Duration{"registry": config.Duration(5 * time.Second)},
		Routes: []alerts.Route{
			{Channel: "#storage", Select: []string{"storage=devmapper"}},
			{Private: "carol", Checks: []string{"disk"}},
		},
	}
}

func TestEndToEnd(t *testing.T) {
	b := newBed(t, testFleet())
	var alice, carol *testbed.Client
	b.start(e2eConfig(), func() {
		alice = testbed.Dial(t, b.irc.Addr, "alice")
		alice.Join(t, "#fleet")
		alice.Join(t, "#storage")
		carol = testbed.Dial(t, b.irc.Addr, "carol")
	})

	// The baseline: one summary, the agent's own node counted too.
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("watching 13 nodes, 1 critical (ov-8)"), lineWait)

	e2eBlip(t, b)
	e2eGroupedFailure(t, b, alice)
	e2eDefaultChannel(t, b, alice)
	e2ePrivate(t, b, alice, carol)
	e2eFlapping(t, b, alice)
	e2eRecovery(t, b, alice)
	e2eNeverSaid(t, alice)
}

// e2eBlip fails a check for less than its own debounce: the engine sees
// the change and drops it.
func e2eBlip(t *testing.T, b *bed) {
	b.set([]string{"ov-2"}, "registry", consul.StatusCritical, "")
	time.Sleep(500 * time.Millisecond)
	b.set([]string{"ov-2"}, "registry", consul.StatusPassing, "")
	b.waitCounter("gordon_alerts_debounced_total", 1)
}

// e2eGroupedFailure fails three devmapper nodes together: one line in
// #storage, with what they share. It logs the latency it saw.
func e2eGroupedFailure(t *testing.T, b *bed, alice *testbed.Client) {
	flipped := time.Now()
	b.set([]string{"dm-1", "dm-2", "dm-3"}, "docker-daemon", consul.StatusCritical, "Cannot connect")
	alice.WaitPrivmsg(t, "gordon", "#storage",
		has("3 nodes critical on docker-daemon", "all storage=devmapper", ": dm-1, dm-2, dm-3"), lineWait)

	at := arrivedAt(alice, "#storage", "3 nodes critical on docker-daemon")
	t.Logf("grouped alert latency: %s beyond debounce and group window", at.Sub(flipped)-e2eDebounce-e2eWindow)
}

// e2eDefaultChannel fails an overlay node, which no channel route takes:
// its line goes to the default channel, its output redacted.
func e2eDefaultChannel(t *testing.T, b *bed, alice *testbed.Client) {
	b.set([]string{"ov-1"}, "docker-daemon", consul.StatusCritical, "pull failed: password=hunter2")
	got := alice.WaitPrivmsg(t, "gordon", "#fleet", has("ov-1 critical on docker-daemon"), lineWait)
	if strings.Contains(got, "hunter2") || !strings.Contains(got, "password=[redacted]") {
		t.Errorf("line %q: want the password redacted", got)
	}
}

// e2ePrivate fails a disk check: carol gets it in private, and the
// channel as well, since a private route takes nothing from channels.
func e2ePrivate(t *testing.T, b *bed, alice, carol *testbed.Client) {
	b.set([]string{"ov-4"}, "disk", consul.StatusCritical, "")
	carol.WaitPrivmsg(t, "gordon", "carol", has("ov-4 critical on disk"), lineWait)
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("ov-4 critical on disk"), lineWait)
}

// e2eFlapping flips a check fast: one flapping line, then one when it
// settles.
func e2eFlapping(t *testing.T, b *bed, alice *testbed.Client) {
	for i := range 8 {
		status := consul.StatusCritical
		if i%2 == 1 {
			status = consul.StatusPassing
		}
		b.set([]string{"ov-3"}, "flappy", status, "")
		time.Sleep(150 * time.Millisecond)
	}
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("ov-3 flapping on flappy"), lineWait)
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("ov-3 stopped flapping on flappy, now passing"), lineWait)
}

// e2eRecovery brings the devmapper nodes back together, the line saying
// for how long they failed.
func e2eRecovery(t *testing.T, b *bed, alice *testbed.Client) {
	b.set([]string{"dm-1", "dm-2", "dm-3"}, "docker-daemon", consul.StatusPassing, "")
	alice.WaitPrivmsg(t, "gordon", "#storage",
		has("3 nodes recovered on docker-daemon after ", ": dm-1, dm-2, dm-3"), lineWait)
}

// e2eNeverSaid checks what never reached anyone: the blip, and more than
// one line about the flapping check while it flapped.
func e2eNeverSaid(t *testing.T, alice *testbed.Client) {
	flapping := 0
	for _, m := range alice.Messages() {
		if strings.Contains(m.Text, "ov-2") {
			t.Errorf("the blip on ov-2 was announced: %q", m.Text)
		}
		if strings.Contains(m.Text, "ov-3 flapping on flappy") {
			flapping++
		}
	}
	if flapping != 1 {
		t.Errorf("%d flapping lines, want 1", flapping)
	}
}
