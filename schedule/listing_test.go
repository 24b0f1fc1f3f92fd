package schedule

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/commands"
)

func TestSchedulesListing(t *testing.T) {
	loc := berlin(t)
	daily := Entry{Name: "nightly-rc", Cron: "30 1 * * *", Command: "upgrade rc --dry-run", Channel: "#ops", As: "bob"}
	busy := &fixedBusy{}
	r := startRig(t, newFakeClock(utc(2026, 12, 4, 12, 0)), loc, busy, weeklyMaster, daily)

	want := []string{
		`weekly-master: 0 3 * * 6 (Europe/Berlin) runs "upgrade master storage=overlay" in #fleet as alice; ` +
			"next Sat 2026-12-05 03:00 CET (in 14h0m); last: none since gordon started",
		`nightly-rc: 30 1 * * * (Europe/Berlin) runs "upgrade rc --dry-run" in #ops as bob; ` +
			"next Sat 2026-12-05 01:30 CET (in 12h30m); last: none since gordon started",
	}
	if got := r.s.lines(r.clock.Now()); !slices.Equal(got, want) {
		t.Fatalf("lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Saturday: the nightly one runs, the weekly one finds an upgrade
	// under way.
	r.clock.advance(t, utc(2026, 12, 5, 1, 0))
	busy.set("an upgrade to 24.0.1 is still running (see upgrade status)")
	r.clock.advance(t, utc(2026, 12, 5, 2, 0))
	busy.set("")
	r.clock.advance(t, utc(2026, 12, 7, 9, 0))
	r.stop()
	want = []string{
		`weekly-master: 0 3 * * 6 (Europe/Berlin) runs "upgrade master storage=overlay" in #fleet as alice; ` +
			"next Sat 2026-12-12 03:00 CET (in 4d17h); last: skipped Sat 2026-12-05 03:00 CET: " +
			"an upgrade to 24.0.1 is still running (see upgrade status)",
		`nightly-rc: 30 1 * * * (Europe/Berlin) runs "upgrade rc --dry-run" in #ops as bob; ` +
			"next Tue 2026-12-08 01:30 CET (in 15h30m); last: ran Mon 2026-12-07 01:30 CET",
	}
	if got := r.s.lines(r.clock.Now()); !slices.Equal(got, want) {
		t.Fatalf("lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSchedulesCommand: anyone may list the schedules, through the
// dispatcher, and the answer is cut to what a channel takes.
func TestSchedulesCommand(t *testing.T) {
	var entries []Entry
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		entries = append(entries, Entry{Name: name, Cron: "@daily", Command: "nodes", Channel: "#fleet", As: "alice"})
	}
	s, err := New(Options{Entries: entries, Maintainers: []commands.Maintainer{alice},
		Clock: newFakeClock(utc(2026, 12, 4, 12, 0))})
	if err != nil {
		t.Fatal(err)
	}
	none, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		s    *Scheduler
		line string
		want []string // a part of each line of the answer
	}{
		{"seven, in a channel", s, "!schedules", []string{"a: @daily (UTC) runs \"nodes\" in #fleet as alice; " +
			"next Sat 2026-12-05 00:00 UTC (in 12h0m)", "b:", "c:", "d:",
			"... and 3 more (/msg gordon schedules for all)"}},
		{"none", none, "!schedules", []string{"no schedules are configured"}},
		{"with an argument", s, "!schedules all", []string{"schedules takes nothing more; usage: schedules"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &channel{}
			reg := commands.NewRegistry()
			reg.Register(tt.s.Command())
			cfg := commands.Config{}
			cfg.Defaults()
			d := commands.NewDispatcher(commands.Options{Registry: reg, Roles: commands.NewRoles(nil), Out: out,
				Config: cfg, Nick: "gordon", Prefix: "!"})

			stranger := commands.Identity{Nick: "eve", User: "eve", Host: "example.org", AccountsTracked: true}
			d.Handle(context.Background(), commands.Message{From: stranger, Target: "#fleet", Text: tt.line,
				Received: time.Now()})
			got := out.said("")
			if len(got) != len(tt.want) {
				t.Fatalf("answered:\n%s", strings.Join(got, "\n"))
			}
			for i, part := range tt.want {
				if !strings.Contains(got[i], part) {
					t.Fatalf("line %d = %q, want %q in it", i, got[i], part)
				}
			}
		})
	}
}

func TestInWords(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Minute, "now"},
		{20 * time.Second, "now"},
		{45 * time.Minute, "in 45m"},
		{14*time.Hour + 5*time.Minute, "in 14h5m"},
		{6*24*time.Hour + 3*time.Hour + 10*time.Minute, "in 6d3h"},
	}
	for _, tt := range tests {
		if got := inWords(tt.d); got != tt.want {
			t.Errorf("inWords(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
