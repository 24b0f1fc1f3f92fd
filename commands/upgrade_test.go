package commands

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/fleet/upgrade"
)

// fakeUpgrades records what the upgrade command asks of it.
type fakeUpgrades struct {
	mu       sync.Mutex
	plan     upgrade.Plan
	planErr  error
	asked    []upgrade.Request
	started  []upgrade.Confirmation
	steered  []string
	steerErr error
}

func (f *fakeUpgrades) Plan(ctx context.Context, r upgrade.Request) (upgrade.Plan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, r)
	return f.plan, f.planErr
}

func (f *fakeUpgrades) Start(ctx context.Context, p upgrade.Plan, c upgrade.Confirmation) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, c)
	return nil
}

func (f *fakeUpgrades) Status() (upgrade.Status, error) {
	return upgrade.Status{}, nil
}

func (f *fakeUpgrades) steer(op, who string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.steered = append(f.steered, op+" "+who)
	return op + " done", f.steerErr
}

func (f *fakeUpgrades) Pause(ctx context.Context, who string) (string, error) {
	return f.steer("pause", who)
}

func (f *fakeUpgrades) Resume(ctx context.Context, who string) (string, error) {
	return f.steer("resume", who)
}

func (f *fakeUpgrades) Abort(ctx context.Context, who string) (string, error) {
	return f.steer("abort", who)
}

// threeNodes is a plan of a canary and a batch of two.
var threeNodes = upgrade.Plan{
	Version: "24.0.1-rc1", Selectors: "storage=overlay", Matched: 4, AtTarget: []string{"ov-4"},
	Limits: upgrade.Limits{Batch: 2, Canary: 1, MaxFail: 1},
	Batches: []upgrade.Batch{
		{Canary: true, Targets: []upgrade.Target{{Node: "ov-1"}}},
		{Targets: []upgrade.Target{{Node: "ov-2"}, {Node: "ov-3"}}},
	},
}

func TestUpgradePlanThenConfirm(t *testing.T) {
	up := &fakeUpgrades{plan: threeNodes}
	c := NewConfirmer(ConfirmTTL)
	f := newFixture(t, Config{}, UpgradeCommand(up, c), c.Command())

	f.say(alice, "#fleet", "!upgrade v24.0.1-rc1 storage=overlay ov-* --batch=2 --canary=1 --max-fail=0")
	got := f.out.lines("#fleet")
	want := []string{
		"upgrade to 24.0.1-rc1 (storage=overlay): 3 nodes in 1 canary, then 1 batch of up to 2; halts when more than 1 fail",
		"left out: 1 already at 24.0.1-rc1",
		"order: canary ov-1 | ov-2 ov-3",
	}
	if len(got) != 4 || strings.Join(got[:3], "\n") != strings.Join(want, "\n") ||
		!strings.HasPrefix(got[3], "upgrade of 3 nodes to 24.0.1-rc1: say \"confirm ") {
		t.Fatalf("plan answer:\n%s", strings.Join(got, "\n"))
	}

	r := up.asked[0]
	sels := fleet.Selectors{{Key: "storage", Op: fleet.OpEqual, Value: "overlay"}, {Key: fleet.KeyNode, Op: fleet.OpMatch, Value: "ov-*"}}
	if r.Version != "v24.0.1-rc1" || r.Selectors.String() != sels.String() || r.Batch.Or(9) != 2 ||
		r.Canary.Or(9) != 1 || r.MaxFail.Or(9) != 0 {
		t.Fatalf("request = %+v", r)
	}
	if len(up.started) != 0 {
		t.Fatal("started before confirm")
	}

	token := regexp.MustCompile(`confirm ([a-z0-9]{6})`).FindStringSubmatch(got[3])[1]
	bobUntracked := bob
	bobUntracked.AccountsTracked = false
	f.say(bobUntracked, "#fleet", "!confirm "+token)
	after := f.out.lines("#fleet")[4:]
	if len(up.started) != 1 || up.started[0] != (upgrade.Confirmation{AskedBy: "alice", ConfirmedBy: "bob",
		Place: upgrade.Place{Target: "#fleet"}}) {
		t.Fatalf("started %+v", up.started)
	}
	if len(after) != 2 || after[1] != "upgrade to 24.0.1-rc1 started: 3 nodes in 2 batches; progress in #fleet" {
		t.Fatalf("confirm answered %q", after)
	}
}

func TestUpgradeAnswers(t *testing.T) {
	stranger := Identity{Nick: "eve", User: "e", Host: "x", AccountsTracked: true}
	tests := []struct {
		name     string
		from     Identity
		line     string
		plan     upgrade.Plan
		planErr  error
		steerErr error
		want     string // the answer, lines joined with "|"
		steered  string
	}{
		{name: "dry run", from: alice, line: "!upgrade 24.0.1-rc1 --dry-run", plan: threeNodes,
			want: "order: canary ov-1 | ov-2 ov-3|dry run: nothing started"},
		{name: "nothing to do", from: alice, line: "!upgrade 24.0.1-rc1",
			plan: upgrade.Plan{Version: "24.0.1-rc1", Matched: 1, AtTarget: []string{"ov-4"}},
			want: "nothing to upgrade to 24.0.1-rc1 (the whole fleet): 1 node matched|left out: 1 already at 24.0.1-rc1"},
		{name: "no arguments", from: alice, line: "!upgrade", want: "name rc, master or a version, or status"},
		{name: "not a version", from: alice, line: "!upgrade latest", want: `"latest" is not a version`},
		{name: "github down", from: alice, line: "!upgrade rc",
			planErr: &upgrade.SourceError{Name: "rc", Brief: "GitHub answered 503 Service Unavailable", Err: errors.New("503")},
			want:    "upgrade: cannot tell what rc is now: GitHub answered 503 Service Unavailable; nothing planned"},
		{name: "unknown option", from: alice, line: "!upgrade 24.0.1 --force", want: "unknown option --force"},
		{name: "option without a number", from: alice, line: "!upgrade 24.0.1 --batch=two", want: "--batch takes a number"},
		{name: "dry run with a value", from: alice, line: "!upgrade 24.0.1 --dry-run=yes", want: "--dry-run takes no value"},
		{name: "a request out of range", from: alice, line: "!upgrade 24.0.1", planErr: &upgrade.RequestError{Reason: "--batch must be between 1 and 1000"},
			want: "upgrade: --batch must be between 1 and 1000"},
		{name: "unknown key", from: alice, line: "!upgrade 24.0.1 colour=red",
			planErr: &fleet.UnknownKeyError{Key: "colour", Known: []string{"kernel"}}, want: `upgrade: unknown key "colour"`},
		{name: "a stranger may not upgrade", from: stranger, line: "!upgrade 24.0.1",
			want: "upgrade: upgrade is for maintainers, and you are not recognised as one (see whoami)"},
		{name: "a stranger may not pause", from: stranger, line: "!upgrade pause", want: "upgrade pause is for maintainers"},
		{name: "a stranger may ask the status", from: stranger, line: "!upgrade status", want: "no upgrade has run yet"},
		{name: "pause", from: alice, line: "!upgrade pause", want: "pause done", steered: "pause alice"},
		{name: "resume", from: alice, line: "!upgrade resume", want: "resume done", steered: "resume alice"},
		{name: "abort", from: alice, line: "!upgrade abort", want: "abort done", steered: "abort alice"},
		{name: "abort with nothing under way", from: alice, line: "!upgrade abort", steerErr: upgrade.ErrNoUpgrade,
			want: "upgrade: no upgrade is under way", steered: "abort alice"},
		{name: "status takes nothing more", from: alice, line: "!upgrade status now", want: "upgrade status takes nothing more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := &fakeUpgrades{plan: tt.plan, planErr: tt.planErr, steerErr: tt.steerErr}
			c := NewConfirmer(ConfirmTTL)
			f := newFixture(t, Config{}, UpgradeCommand(up, c), c.Command())

			f.say(tt.from, "#fleet", tt.line)
			got := strings.Join(f.out.lines("#fleet"), "|")
			if !strings.Contains(got, tt.want) || strings.Contains(got, "confirm ") {
				t.Fatalf("%s answered %q, want %q and no token", tt.line, got, tt.want)
			}
			if steered := strings.Join(up.steered, ","); steered != tt.steered {
				t.Fatalf("steered %q, want %q", steered, tt.steered)
			}
		})
	}
}

func TestUpgradeAnnouncer(t *testing.T) {
	out := &recorder{}
	a := UpgradeAnnouncer{Out: out}
	if err := a.Announce(context.Background(), upgrade.Place{Target: "alice", Private: true}, "one", "two"); err != nil {
		t.Fatal(err)
	}
	got := out.all()
	if len(got) != 1 || got[0].Target != "alice" || !got[0].Private || got[0].Priority != PriorityAnnounce ||
		strings.Join(got[0].Lines, ",") != "one,two" {
		t.Fatalf("sent %+v", got)
	}
	if err := upgradeError(errors.New("consul unreachable")); err.Error() != "consul unreachable" {
		t.Fatalf("an outside error became %v", err)
	}
}
