package schedule

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/commands"
)

// State is a schedule as it stands.
type State struct {
	Entry

	// Next is its next run, in the configured zone.
	Next time.Time

	// Last is its latest run since gordon started; zero before it.
	Last Result

	// Running is set while its latest run is still going.
	Running bool
}

// Schedules returns every schedule as it stands, in the configured
// order.
func (s *Scheduler) Schedules() []State {
	s.mu.Lock()
	defer s.mu.Unlock()

	out := make([]State, len(s.entries))
	for i, e := range s.entries {
		out[i] = State{Entry: e.Entry, Next: e.next.In(s.loc), Last: e.last, Running: !e.running.IsZero()}
	}
	return out
}

// Command returns the schedules command: each schedule with its spec,
// zone, command line, channel, maintainer, next run and latest run.
func (s *Scheduler) Command() commands.Command {
	return commands.Command{
		Name:    "schedules",
		Summary: "the configured schedules, their next run and how their latest went",
		Role:    commands.RoleAnyone,
		Run: func(ctx context.Context, req *commands.Request) error {
			if len(req.Inv.Tokens) > 0 {
				return commands.Usagef("schedules takes nothing more")
			}
			req.ReplyLines(s.lines(s.clock.Now())...)
			return nil
		},
	}
}

// lines describes every schedule, one a line, as of now.
func (s *Scheduler) lines(now time.Time) []string {
	states := s.Schedules()
	if len(states) == 0 {
		return []string{"no schedules are configured"}
	}

	lines := make([]string, len(states))
	for i, st := range states {
		lines[i] = fmt.Sprintf("%s: %s (%s) runs %q in %s as %s; next %s; last: %s", st.Name,
			strings.TrimSpace(st.Cron), s.loc, st.Command, st.Channel, st.As, nextWords(st.Next, now),
			s.lastWords(st))
	}
	return lines
}

// nextWords says when the next run is: "Sat 2026-12-05 03:00 CET (in
// 14h0m)".
func nextWords(next, now time.Time) string {
	if next.IsZero() {
		return "never (cron finds no such day in the next five years)"
	}
	return next.Format(stamp) + " (" + inWords(next.Sub(now)) + ")"
}

// lastWords says how a schedule's latest run went.
func (s *Scheduler) lastWords(st State) string {
	r := st.Last
	switch {
	case r.Outcome == "":
		return "none since gordon started"
	case r.Outcome == Ran && st.Running:
		return "ran " + r.Due.In(s.loc).Format(stamp) + ", still going"
	case r.Outcome == Skipped:
		return "skipped " + r.Due.In(s.loc).Format(stamp) + ": " + r.Why
	}
	return string(r.Outcome) + " " + r.Due.In(s.loc).Format(stamp)
}

// inWords says how far off d is: "in 45m", "in 14h5m", "in 6d3h".
func inWords(d time.Duration) string {
	const day = 24 * time.Hour
	d = d.Round(time.Minute)
	switch {
	case d <= 0:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("in %dm", d/time.Minute)
	case d < 2*day:
		return fmt.Sprintf("in %dh%dm", d/time.Hour, d%time.Hour/time.Minute)
	}
	return fmt.Sprintf("in %dd%dh", d/day, d%day/time.Hour)
}
