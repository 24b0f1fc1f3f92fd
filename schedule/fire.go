package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/gordonbot/gordon/commands"
)

// Outcome is what became of a schedule's run.
type Outcome string

// The outcomes of a run.
const (
	// Ran: the command line was handed to the dispatcher. What the
	// command then said is in the channel, not here.
	Ran Outcome = "ran"

	// Skipped: it would have overlapped work still under way.
	Skipped Outcome = "skipped"

	// Missed: gordon was stopped or asleep when it fell due.
	Missed Outcome = "missed"
)

// Result is a schedule's latest run.
type Result struct {
	Outcome Outcome

	// Due is when the run fell due.
	Due time.Time

	// Why says why a run was skipped: "an upgrade to 24.0.1 is still
	// running".
	Why string
}

// fire makes, skips or gives up the run of e that fell due, and works
// out its next one.
func (s *Scheduler) fire(ctx context.Context, to runner, e *entry, now time.Time) {
	// Busy reads other parts' state, so it is asked before e is locked.
	why, busy := "", false
	if s.busy != nil {
		why, busy = s.busy.Busy(e.Command)
	}

	s.mu.Lock()
	r := Result{Outcome: Ran, Due: e.next}
	switch {
	case now.Sub(e.next) > lateLimit:
		r.Outcome = Missed
	case !e.running.IsZero():
		r.Outcome = Skipped
		r.Why = fmt.Sprintf("its run of %s is still going", e.running.In(s.loc).Format(stamp))
	case busy:
		r.Outcome, r.Why = Skipped, why
	}
	e.last, e.next = r, e.following(r.Due, now, s.loc)
	if r.Outcome == Ran {
		e.running = r.Due
	}
	next := e.next
	s.mu.Unlock()

	switch r.Outcome {
	case Missed:
		s.log.Warn("schedule run missed", keySchedule, e.Name, keyDue, r.Due, keyLate, now.Sub(r.Due),
			keyNext, next)
		s.say(ctx, to.out, e, fmt.Sprintf("schedule %s: its run of %s was missed (gordon was stopped or asleep "+
			"then) and is not made up; next %s", e.Name, r.Due.In(s.loc).Format(stamp), next.Format(stamp)))
	case Skipped:
		s.log.Warn("schedule run skipped", keySchedule, e.Name, keyReason, r.Why, keyNext, next)
		s.say(ctx, to.out, e, fmt.Sprintf("schedule %s skipped: %s; next %s", e.Name, r.Why, next.Format(stamp)))
	default:
		s.log.Info("schedule run", keySchedule, e.Name, keyCommand, e.Command, keyChannel, e.Channel,
			keyNext, next)
		to.runs.Go(func() { s.run(ctx, to, e, now) })
	}
}

// run hands e's command line to the dispatcher as e's caller, after a
// line that says which schedule it is, and marks e done when it
// returns.
func (s *Scheduler) run(ctx context.Context, to runner, e *entry, now time.Time) {
	defer func() {
		s.mu.Lock()
		e.running = time.Time{}
		s.mu.Unlock()
	}()

	// The heading goes at the priority of the command's answer, so that
	// it comes first.
	head := fmt.Sprintf("schedule %s: %s (as %s)", e.Name, e.Command, e.caller.Name)
	if err := to.out.Send(ctx, commands.Reply{Target: e.Channel, Priority: commands.PriorityReply,
		Lines: []string{head}}); err != nil {
		s.log.Error("schedule line not sent", keySchedule, e.Name, keyError, err)
	}
	to.c.HandleExternal(ctx, commands.External{Caller: e.caller, Target: e.Channel, Line: e.Command,
		Received: now})
}

// say tells e's channel, through out, about a run not made.
func (s *Scheduler) say(ctx context.Context, out commands.Replier, e *entry, line string) {
	r := commands.Reply{Target: e.Channel, Priority: commands.PriorityAnnounce, Lines: []string{line}}
	if err := out.Send(ctx, r); err != nil {
		s.log.Error("schedule line not sent", keySchedule, e.Name, keyError, err)
	}
}

// stamp is how a run's time is written: "Sat 2026-12-05 03:00 CET".
const stamp = "Mon 2006-01-02 15:04 MST"
