package schedule

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
)

func TestValidate(t *testing.T) {
	with := func(edit func(e *Entry)) Entry {
		e := weeklyMaster
		edit(&e)
		return e
	}
	tests := []struct {
		name    string
		entries []Entry
		want    []string // the problems, "key: message" in part
	}{
		{name: "the issue's schedule", entries: []Entry{weeklyMaster}},
		{name: "a descriptor", entries: []Entry{with(func(e *Entry) { e.Cron = "@weekly" })}},
		{name: "the maintainer written otherwise", entries: []Entry{with(func(e *Entry) { e.As = "Alice" })}},
		{name: "none", entries: nil},
		{name: "everything wrong", entries: []Entry{{Name: "weekly master", Cron: "0 3 * *", Command: "",
			Channel: "fleet", As: "mallory"}},
			want: []string{
				`[0].name: "weekly master" is not a name`,
				`[0].cron: "0 3 * *" is not a cron spec: expected exactly 5 fields`,
				"[0].command: required",
				`[0].channel: "fleet" is not a channel name`,
				`[0].as: "mallory" names no maintainer`,
			}},
		{name: "a name twice", entries: []Entry{weeklyMaster, with(func(e *Entry) { e.Name = "Weekly-Master" })},
			want: []string{`[1].name: "Weekly-Master" names another schedule too`}},
		{name: "six fields", entries: []Entry{with(func(e *Entry) { e.Cron = "0 0 3 * * 6" })},
			want: []string{"[0].cron: \"0 0 3 * * 6\" is not a cron spec"}},
		{name: "a zone of its own", entries: []Entry{with(func(e *Entry) { e.Cron = "CRON_TZ=Asia/Tokyo 0 3 * * 6" })},
			want: []string{"[0].cron: \"CRON_TZ=Asia/Tokyo 0 3 * * 6\" names a zone: set the top-level timezone instead"}},
		{name: "the 30th of February", entries: []Entry{with(func(e *Entry) { e.Cron = "0 3 30 2 *" })},
			want: []string{"[0].cron: \"0 3 30 2 *\" never falls due"}},
		{name: "a leap day", entries: []Entry{with(func(e *Entry) { e.Cron = "0 3 29 2 *" })}},
		{name: "every so often", entries: []Entry{with(func(e *Entry) { e.Cron = "@every 1h" })},
			want: []string{"[0].cron: \"@every 1h\" runs relative to when gordon started"}},
		{name: "a prefix", entries: []Entry{with(func(e *Entry) { e.Command = "!upgrade master" })},
			want: []string{"[0].command: \"!upgrade master\": give the command without a prefix"}},
		{name: "two lines", entries: []Entry{with(func(e *Entry) { e.Command = "upgrade master\nupgrade rc" })},
			want: []string{"[0].command: must be one line"}},
		{name: "not a command", entries: []Entry{with(func(e *Entry) { e.Command = "--dry-run upgrade" })},
			want: []string{"[0].command: \"--dry-run upgrade\": "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.entries, []commands.Maintainer{alice, bob})
			var p config.Problems
			if err != nil && !errors.As(err, &p) {
				t.Fatalf("not config.Problems: %v", err)
			}
			if len(p) != len(tt.want) {
				t.Fatalf("problems:\n%v\nwant %d", err, len(tt.want))
			}
			for i, want := range tt.want {
				if !strings.Contains(p[i].String(), want) {
					t.Errorf("problem %d = %q, want %q in it", i, p[i], want)
				}
			}
		})
	}
}

// TestValidateMerged: the keys read well under "schedules".
func TestValidateMerged(t *testing.T) {
	e := weeklyMaster
	e.Channel = ""
	var p config.Problems
	p.Merge("schedules", Validate([]Entry{weeklyMaster, e}, []commands.Maintainer{alice}))
	if len(p) != 2 || p[0].Key != "schedules[1].name" || p[1].Key != "schedules[1].channel" {
		t.Fatalf("problems %+v", p)
	}
}

func TestCheckCommands(t *testing.T) {
	reg := commands.NewRegistry()
	noop := func(ctx context.Context, req *commands.Request) error { return nil }
	reg.Register(commands.Command{Name: "upgrade", Run: noop})
	nodes := weeklyMaster
	nodes.Command = "nodes unhealthy"
	upper := weeklyMaster
	upper.Command = "UPGRADE rc"

	err := CheckCommands([]Entry{weeklyMaster, nodes, upper}, reg)
	var p config.Problems
	if !errors.As(err, &p) || len(p) != 1 || p[0].Key != "[1].command" ||
		!strings.Contains(p[0].Msg, `gordon has no command "nodes" here`) {
		t.Fatalf("got %v", err)
	}
}

func TestChannels(t *testing.T) {
	other := weeklyMaster
	other.Channel = "#FLEET"
	ops := weeklyMaster
	ops.Channel = "#ops"
	if got := Channels([]Entry{weeklyMaster, other, ops}); !slices.Equal(got, []string{"#fleet", "#ops"}) {
		t.Fatalf("Channels = %q", got)
	}
}
