package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/fleet/upgrade"
)

func TestCallerSchedule(t *testing.T) {
	scheduled := ScheduleCaller("weekly-master", Maintainer{Name: "alice"})
	anyone := scheduled
	anyone.Role = RoleAnyone
	viaIRC := Caller{Identity: Identity{Nick: "alice", User: "schedule", Host: "gordon",
		Account: "schedule:weekly-master", Via: "account-tag", AccountsTracked: true}, Role: RoleMaintainer, Name: "alice"}
	nameless := scheduled
	nameless.Account = "schedule:"

	tests := []struct {
		name   string
		caller Caller
		want   string // the schedule's name; empty for none
	}{
		{"a schedule", scheduled, "weekly-master"},
		{"a schedule without a maintainer's role", anyone, ""},
		{"a person whose account looks like a schedule", viaIRC, ""},
		{"a schedule with no name", nameless, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.caller.Schedule()
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("Schedule() = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
	if scheduled.Who() != "schedule:weekly-master" || scheduled.Name != "alice" {
		t.Fatalf("scheduled caller %+v", scheduled)
	}
}

// TestUpgradeScheduledStartsAtOnce: a schedule's upgrade is shown and
// started with no confirm, asked by the maintainer the schedule runs as
// and confirmed by the schedule.
func TestUpgradeScheduledStartsAtOnce(t *testing.T) {
	up := &fakeUpgrades{plan: threeNodes}
	c := NewConfirmer(ConfirmTTL)
	f := newFixture(t, Config{}, UpgradeCommand(up, c), c.Command())

	f.d.HandleExternal(context.Background(), External{Caller: ScheduleCaller("weekly-master", Maintainer{Name: "alice"}),
		Target: "#fleet", Line: "upgrade master storage=overlay"})

	got := f.out.lines("#fleet")
	want := "upgrade to 24.0.1-rc1 started: 3 nodes in 2 batches; progress in #fleet; " +
		"the schedule weekly-master is its confirmation"
	if len(got) != 4 || got[3] != want || strings.Contains(strings.Join(got, "|"), "confirm ") {
		t.Fatalf("answered:\n%s", strings.Join(got, "\n"))
	}
	if len(up.asked) != 1 || up.asked[0].Version != "master" {
		t.Fatalf("asked %+v", up.asked)
	}
	wantStart := upgrade.Confirmation{AskedBy: "alice", ConfirmedBy: "schedule:weekly-master",
		Place: upgrade.Place{Target: "#fleet"}}
	if len(up.started) != 1 || up.started[0] != wantStart {
		t.Fatalf("started %+v", up.started)
	}
}

// TestUpgradeOthersStillConfirm: only a schedule skips confirm; a person
// on IRC and a command from another system are asked for it.
func TestUpgradeOthersStillConfirm(t *testing.T) {
	lookalike := alice
	lookalike.User, lookalike.Host = "schedule", "gordon"
	github := Caller{Identity: Identity{Nick: "bob", Account: "github:bob", Via: "github", AccountsTracked: true},
		Role: RoleMaintainer}
	tests := []struct {
		name string
		ask  func(f *fixture)
	}{
		{"a maintainer on irc", func(f *fixture) { f.say(lookalike, "#fleet", "!upgrade rc") }},
		{"another system", func(f *fixture) {
			f.d.HandleExternal(context.Background(), External{Caller: github, Target: "#fleet", Line: "upgrade rc"})
		}},
		{"a schedule's dry run", func(f *fixture) {
			f.d.HandleExternal(context.Background(), External{
				Caller: ScheduleCaller("nightly", Maintainer{Name: "alice"}), Target: "#fleet",
				Line: "upgrade rc --dry-run"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := &fakeUpgrades{plan: threeNodes}
			c := NewConfirmer(ConfirmTTL)
			f := newFixture(t, Config{}, UpgradeCommand(up, c), c.Command())

			tt.ask(f)
			got := strings.Join(f.out.lines("#fleet"), "|")
			if len(up.started) != 0 || !strings.Contains(got, "confirm ") && !strings.Contains(got, "dry run") {
				t.Fatalf("started %+v; answered %q", up.started, got)
			}
		})
	}
}
