package bot_test

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

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/internal/testbed"
)

// gordon is a running session with its dispatcher, for one test.
type gordon struct {
	session  *bot.Session
	reg      *prometheus.Registry
	stop     context.CancelFunc
	done     chan error
	commands *commands.Registry
	once     sync.Once
}

// ircConfig returns a validated [irc] section pointing at addr.
func ircConfig(t *testing.T, addr string, edit func(*bot.Config)) bot.Config {
	t.Helper()
	// Fast pacing: these tests are about behaviour, not the flood budget.
	c := bot.Config{Server: addr, Nick: "gordon", Channels: []string{"#fleet"},
		FloodInterval: config.Duration(50 * time.Millisecond)}
	c.Defaults()
	if edit != nil {
		edit(&c)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("test config: %v", err)
	}
	return c
}

// startGordon runs a session on cfg with the built-in commands plus
// extra, with alice a maintainer by hostmask.
func startGordon(t *testing.T, cfg bot.Config, cmdCfg commands.Config, extra ...commands.Command) *gordon {
	t.Helper()
	alice := commands.Maintainer{Name: "alice", Hostmasks: []string{"alice!*@*"}}
	return startGordonFor(t, cfg, cmdCfg, []commands.Maintainer{alice}, extra...)
}

// startGordonFor is startGordon with the maintainers given.
func startGordonFor(t *testing.T, cfg bot.Config, cmdCfg commands.Config, maintainers []commands.Maintainer,
	extra ...commands.Command,
) *gordon {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	g := &gordon{reg: prometheus.NewRegistry(), done: make(chan error, 1), commands: commands.NewRegistry()}
	g.session = bot.NewSession(cfg, log, g.reg)
	g.commands.Register(commands.Builtins(g.commands, commands.BuildInfo{Version: "test", Started: time.Now()})...)
	g.commands.Register(extra...)

	cmdCfg.Defaults()
	d := commands.NewDispatcher(commands.Options{
		Registry:    g.commands,
		Roles:       commands.NewRoles(maintainers),
		Out:         g.session,
		Logger:      log,
		Config:      cmdCfg,
		Nick:        cfg.Nick,
		Prefix:      cfg.Prefix,
		MainChannel: cfg.Channels[0],
	})
	g.session.OnNick = d.SetNick

	ctx, cancel := context.WithCancel(context.Background())
	g.stop = cancel
	go func() { g.done <- g.session.Run(ctx, d) }()
	t.Cleanup(g.shutdown)
	return g
}

// shutdown stops the session and waits for Run to return; calling it
// again does nothing.
func (g *gordon) shutdown() {
	g.once.Do(func() {
		g.stop()
		select {
		case <-g.done:
		case <-time.After(15 * time.Second):
			panic("session did not stop")
		}
	})
}

// waitReady waits until the session says it is connected and joined.
func (g *gordon) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok, _ := g.session.Ready(); ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, why := g.session.Ready()
	t.Fatalf("gordon not ready: %s", why)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// lines is a command that answers n numbered lines.
func lines(n int) commands.Command {
	return commands.Command{Name: "lines", Usage: "", Summary: "numbered lines",
		Run: func(ctx context.Context, req *commands.Request) error {
			for i := range n {
				req.Reply("line %d", i+1)
			}
			return nil
		}}
}

func TestSessionAnswersInChannelAndPrivate(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	g := startGordon(t, ircConfig(t, srv.Addr, nil), commands.Config{}, lines(12))
	g.waitReady(t)

	alice := testbed.Dial(t, srv.Addr, "alice")
	alice.Join(t, "#fleet")

	alice.Say("#fleet", "!whoami")
	got := alice.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.HasPrefix(s, "alice:") }, 10*time.Second)
	if !strings.Contains(got, "role: maintainer alice") || !strings.Contains(got, "hostmasks count") {
		t.Fatalf("whoami in channel: %q", got)
	}

	alice.Say("gordon", "version")
	alice.WaitPrivmsg(t, "gordon", "alice", func(s string) bool { return strings.HasPrefix(s, "gordon test") }, 10*time.Second)

	// The channel limit: five lines, the last saying how to get the rest.
	alice.Say("#fleet", "!lines")
	last := alice.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.HasPrefix(s, "...") }, 10*time.Second)
	if last != "... and 8 more (/msg gordon lines for all)" {
		t.Fatalf("limit line: %q", last)
	}
	var shown []string
	for _, m := range alice.Messages() {
		if m.Target == "#fleet" && strings.HasPrefix(m.Text, "line ") {
			shown = append(shown, m.Text)
		}
	}
	if strings.Join(shown, ",") != "line 1,line 2,line 3,line 4" {
		t.Fatalf("channel showed %q", shown)
	}
}

func TestSessionSplitsLongLinesAndStripsControls(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	long := strings.Repeat("é", 400) + " end"
	echo := commands.Command{Name: "echo", Run: func(ctx context.Context, req *commands.Request) error {
		req.ReplyLines(long, "evil\r\nQUIT :bye\x01ACTION\x01 \x0304red\x03 done")
		return nil
	}}
	g := startGordon(t, ircConfig(t, srv.Addr, nil), commands.Config{}, echo)
	g.waitReady(t)

	bob := testbed.Dial(t, srv.Addr, "bob")
	bob.Join(t, "#fleet")
	bob.Say("#fleet", "!echo")
	bob.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.HasPrefix(s, "evil") }, 10*time.Second)

	var got []string
	for _, m := range bob.Messages() {
		if m.From == "gordon" {
			got = append(got, m.Text)
		}
	}
	if len(got) != 3 || got[0]+got[1] != long[:len(got[0])]+long[len(got[0]):] {
		t.Fatalf("a long line should arrive in two whole pieces, got %d lines: %q", len(got), got)
	}
	if got[2] != "evil  QUIT :byeACTION red done" {
		t.Fatalf("control bytes reached the channel: %q", got[2])
	}
}

func TestSessionSurvivesServerRestart(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	g := startGordon(t, ircConfig(t, srv.Addr, nil), commands.Config{})
	g.waitReady(t)

	srv.Stop()
	waitNotReady(t, g)

	// Lines handed over while the server is down wait for the reconnect.
	for i := range 3 {
		g.session.Send(context.Background(), commands.Reply{Target: "#fleet", Priority: commands.PriorityAnnounce,
			Lines: []string{fmt.Sprintf("queued %d", i)}})
	}
	srv.Restart(t)

	// Join before gordon does, so the channel sees every queued line.
	carol := testbed.Dial(t, srv.Addr, "carol")
	carol.Join(t, "#fleet")
	g.waitReady(t)
	carol.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return s == "queued 2" }, 15*time.Second)

	carol.Say("#fleet", "!version")
	carol.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.HasPrefix(s, "gordon test") }, 10*time.Second)

	seen := map[string]int{}
	for _, m := range carol.Messages() {
		if m.From == "gordon" {
			seen[m.Text]++
		}
	}
	for i := range 3 {
		if n := seen[fmt.Sprintf("queued %d", i)]; n != 1 {
			t.Fatalf("queued %d arrived %d times; all: %v", i, n, seen)
		}
	}
	if n := counter(t, g, "gordon_irc_reconnects_total"); n < 1 {
		t.Fatalf("reconnects metric = %v", n)
	}
}

func waitNotReady(t *testing.T, g *gordon) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, _ := g.session.Ready(); !ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("gordon did not notice the server going away")
}

// counter reads a counter from gordon's metrics registry.
func counter(t *testing.T, g *gordon, name string) float64 {
	t.Helper()
	mfs, err := g.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func TestSessionNickCollision(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	squatter := testbed.Dial(t, srv.Addr, "gordon")
	squatter.Join(t, "#fleet")

	g := startGordon(t, ircConfig(t, srv.Addr, nil), commands.Config{})
	g.waitReady(t)

	dave := testbed.Dial(t, srv.Addr, "dave")
	dave.Join(t, "#fleet")
	dave.Say("gordon_", "version")
	dave.WaitPrivmsg(t, "gordon_", "dave", func(s string) bool { return strings.HasPrefix(s, "gordon test") }, 10*time.Second)
	dave.Say("#fleet", "gordon_: version")
	dave.WaitPrivmsg(t, "gordon_", "#fleet", func(s string) bool { return strings.HasPrefix(s, "gordon test") }, 10*time.Second)

	// When the squatter leaves, gordon takes its nick back at once.
	squatter.Quit(t)
	deadline := time.Now().Add(10 * time.Second)
	for g.session.Nick() != "gordon" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	dave.Say("#fleet", "gordon: version")
	dave.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.HasPrefix(s, "gordon test") }, 15*time.Second)
}

// TestSessionFlushesBeforeQuit stops gordon with lines still queued: they
// are written before the QUIT.
func TestSessionFlushesBeforeQuit(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	cfg := ircConfig(t, srv.Addr, func(c *bot.Config) {
		c.FloodBurst, c.FloodInterval = 1, config.Duration(100*time.Millisecond)
	})
	g := startGordon(t, cfg, commands.Config{})
	g.waitReady(t)
	frank := testbed.Dial(t, srv.Addr, "frank")
	frank.Join(t, "#fleet")

	var want []string
	for i := range 10 {
		want = append(want, fmt.Sprintf("bye %d", i))
	}
	g.session.Send(context.Background(), commands.Reply{Target: "#fleet", Lines: want})
	g.shutdown()

	var got []string
	for _, m := range frank.Messages() {
		if m.From == "gordon" {
			got = append(got, m.Text)
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("before quitting gordon wrote %q", got)
	}
}
