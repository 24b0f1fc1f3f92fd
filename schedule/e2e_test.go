package schedule_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/versions"
	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/integrations/github/githubtest"
	"github.com/gordonbot/gordon/internal/testbed"
	"github.com/gordonbot/gordon/schedule"
	"github.com/gordonbot/gordon/store"
)

// aheadClock is the system's clock set ahead, so that the next minute
// starts soon after the test says: the Scheduler then waits for real, a
// second or two, instead of up to a minute.
type aheadClock struct {
	by atomic.Int64 // nanoseconds
}

func (c *aheadClock) Now() time.Time                         { return time.Now().Add(time.Duration(c.by.Load())) }
func (c *aheadClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// minuteIn sets the clock so that its next minute starts in d.
func (c *aheadClock) minuteIn(d time.Duration) {
	now := time.Now()
	into := now.Sub(now.Truncate(time.Minute))
	c.by.Store(int64((time.Minute - into - d + time.Minute) % time.Minute))
}

// overlay is the fleet of the test: three overlay nodes at 24.0.0 and a
// devmapper node.
type overlay struct{}

func (overlay) Select(ctx context.Context, sels fleet.Selectors) ([]fleet.Node, error) {
	var out []fleet.Node
	for _, n := range []struct{ name, storage string }{
		{"ov-1", "overlay"}, {"ov-2", "overlay"}, {"ov-3", "overlay"}, {"dm-1", "devmapper"},
	} {
		meta := map[string]string{"storage": n.storage, "docker_version": "Docker version 24.0.0, build 98fdcd7"}
		if sels.Matches(n.name, meta, nil) {
			out = append(out, fleet.Node{Name: n.name, Meta: meta})
		}
	}
	return out, nil
}

// untouchable is every part of the outside an upgrade would touch; a dry
// run touches none.
type untouchable struct{}

var errTouched = errors.New("a dry run touched the fleet")

func (untouchable) On(ctx context.Context, t upgrade.Target, who, reason string) error {
	return errTouched
}
func (untouchable) Off(ctx context.Context, t upgrade.Target) error { return errTouched }
func (untouchable) Node(ctx context.Context, t upgrade.Target) (upgrade.NodeHealth, error) {
	return upgrade.NodeHealth{}, errTouched
}
func (untouchable) Run(ctx context.Context, t upgrade.Target) (upgrade.Result, error) {
	return upgrade.Result{}, errTouched
}

// TestScheduleEndToEnd: a schedule fires on time, as its maintainer, and
// "upgrade rc --dry-run" resolves rc through the GitHub API and plans
// over the fleet; its heading and the plan reach the channel of a real
// ngircd, and the schedules command then says it ran.
func TestScheduleEndToEnd(t *testing.T) {
	irc := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	// GitHub: a release, and a release candidate newer than it.
	api := githubtest.New(githubtest.Config{Token: "e2e-token"})
	api.AddRepo("docker/docker")
	api.AddRelease("docker/docker", githubtest.Release{Tag: "v24.0.0",
		Published: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)})
	api.AddRelease("docker/docker", githubtest.Release{Tag: "v24.0.1-rc.1", Prerelease: true,
		Published: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	gh, err := github.NewClient(github.Config{APIURL: srv.URL + "/", Token: "e2e-token"}, github.APIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := versions.New(versions.Options{RC: versions.RCConfig{Repo: "docker/docker"}, GitHub: gh})
	if err != nil {
		t.Fatal(err)
	}
	u, err := upgrade.New(upgrade.Options{Fleet: overlay{}, Maintenance: untouchable{}, Health: untouchable{},
		Runner: untouchable{}, Store: store.NewMemory(), Versions: src, Logger: log})
	if err != nil {
		t.Fatal(err)
	}

	// gordon: the session, the dispatcher, the commands.
	alice := commands.Maintainer{Name: "alice", Hostmasks: []string{"alice!*@*"}}
	ircCfg := bot.Config{Server: irc.Addr, Nick: "gordon", Channels: []string{"#fleet"},
		FloodInterval: config.Duration(50 * time.Millisecond)}
	ircCfg.Defaults()
	if err := ircCfg.Validate(); err != nil {
		t.Fatal(err)
	}
	session := bot.NewSession(ircCfg, log, nil)
	entries := []schedule.Entry{{Name: "rc-dry-run", Cron: "* * * * *", Command: "upgrade rc storage=overlay --dry-run",
		Channel: "#fleet", As: "alice"}}
	if err := schedule.Validate(entries, []commands.Maintainer{alice}); err != nil {
		t.Fatal(err)
	}

	clock := &aheadClock{}
	s, err := schedule.New(schedule.Options{Entries: entries, Maintainers: []commands.Maintainer{alice},
		Busy: schedule.UpgradeBusy{Upgrades: u}, Clock: clock, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	confirm := commands.NewConfirmer(commands.ConfirmTTL)
	reg := commands.NewRegistry()
	reg.Register(confirm.Command(), commands.UpgradeCommand(u, confirm), s.Command())
	if err := schedule.CheckCommands(entries, reg); err != nil {
		t.Fatal(err)
	}
	cmdCfg := commands.Config{}
	cmdCfg.Defaults()
	d := commands.NewDispatcher(commands.Options{Registry: reg, Roles: commands.NewRoles([]commands.Maintainer{alice}),
		Out: session, Logger: log, Config: cmdCfg, Nick: "gordon", Prefix: "!", MainChannel: "#fleet"})

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	wg.Go(func() { session.Run(ctx, d) })
	waitReady(t, session)

	carol := testbed.Dial(t, irc.Addr, "carol")
	carol.Join(t, "#fleet")

	// The scheduler starts once people listen, its next minute a second
	// and a half away.
	clock.minuteIn(1500 * time.Millisecond)
	wg.Go(func() { s.Run(ctx, d, session) })

	fromGordon := func(want string) string {
		t.Helper()
		return carol.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.Contains(s, want) },
			15*time.Second)
	}
	fromGordon("schedule rc-dry-run: upgrade rc storage=overlay --dry-run (as alice)")
	fromGordon("rc is 24.0.1-rc.1: newest pre-release v24.0.1-rc.1 of docker/docker, published 2026-11-30")
	fromGordon("upgrade to 24.0.1-rc.1 (storage=overlay): 3 nodes in 1 canary, then 1 batch of up to 2")
	fromGordon("dry run: nothing started")

	carol.Say("#fleet", "!schedules")
	listed := fromGordon("rc-dry-run: * * * * * (UTC)")
	if !strings.Contains(listed, `runs "upgrade rc storage=overlay --dry-run" in #fleet as alice`) ||
		!strings.Contains(listed, "last: ran ") {
		t.Fatalf("schedules said %q", listed)
	}
}

// waitReady waits until the session is connected and joined.
func waitReady(t *testing.T, s *bot.Session) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for ok, _ := s.Ready(); !ok; ok, _ = s.Ready() {
		if time.Now().After(deadline) {
			_, why := s.Ready()
			t.Fatalf("gordon not ready: %s", why)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
