package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/gordonbot/gordon/commands"
)

// Timing of the Scheduler's loop.
const (
	// maxSleep bounds each wait, so that the wall clock is read at least
	// once a minute: Go's timers run on a clock that stands still while
	// the machine sleeps, and a jump of the wall clock would otherwise
	// go unseen until the next run was far past.
	maxSleep = time.Minute

	// lateLimit is how late a run may start and still run. Later than
	// that, gordon was stopped or its machine asleep when it fell due,
	// and it counts as missed.
	lateLimit = 2 * time.Minute
)

// Commander runs a command line as a caller, answering to the line's
// target. *commands.Dispatcher implements it.
type Commander interface {
	// HandleExternal returns once the answer is handed over.
	HandleExternal(ctx context.Context, e commands.External)
}

// Options wire a Scheduler.
type Options struct {
	// Entries are the schedules, which Validate has passed.
	Entries []Entry

	// Maintainers are those an entry's As names.
	Maintainers []commands.Maintainer

	// Location is the zone cron specs run in; nil is UTC.
	Location *time.Location

	// Busy, when set, tells of work under way that a run would overlap.
	Busy Busy

	// Clock is the time kept; nil is the system's.
	Clock Clock

	// Logger gets a line for each run made, skipped or missed; nil
	// discards.
	Logger *slog.Logger
}

// Scheduler runs the schedules' command lines when they fall due. The
// schedules command and Schedules are safe to use from any goroutine,
// also while Run runs.
type Scheduler struct {
	loc   *time.Location
	busy  Busy
	clock Clock
	log   *slog.Logger

	mu      sync.Mutex
	entries []*entry
}

// runner is where Run sends runs and lines.
type runner struct {
	c    Commander
	out  commands.Replier
	runs *sync.WaitGroup
}

// entry is a schedule with its parsed spec and where it stands.
type entry struct {
	Entry
	spec   cron.Schedule
	caller commands.Caller

	next time.Time
	last Result // zero before its first run since gordon started

	// running is when the run still going fell due; zero when none is.
	running time.Time
}

// New returns a Scheduler. An entry that does not parse or names no
// maintainer is an error: Validate should have refused it.
func New(opts Options) (*Scheduler, error) {
	s := &Scheduler{loc: opts.Location, busy: opts.Busy, clock: opts.Clock, log: opts.Logger}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.clock == nil {
		s.clock = realClock{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}

	now := s.clock.Now()
	for _, e := range opts.Entries {
		spec, err := parseSpec(e.Cron)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", e.Name, err)
		}
		m, ok := maintainer(opts.Maintainers, e.As)
		if !ok {
			return nil, fmt.Errorf("schedule %s: %q names no maintainer", e.Name, e.As)
		}
		en := &entry{Entry: e, spec: spec, caller: commands.ScheduleCaller(e.Name, m)}
		en.next = en.after(now, s.loc)
		s.entries = append(s.entries, en)
	}
	return s, nil
}

// after returns the entry's first run after t, read in loc.
func (e *entry) after(t time.Time, loc *time.Location) time.Time {
	return e.spec.Next(t.In(loc))
}

// following returns the entry's run after the one due at due, now. The
// hour the clocks go back runs twice by the wall clock, and cron's Next
// would run a schedule in it twice too: a schedule runs once a time of
// day, so the second is passed over.
func (e *entry) following(due, now time.Time, loc *time.Location) time.Time {
	next := e.after(now, loc)
	const wall = "2006-01-02 15:04"
	if !next.IsZero() && next.In(loc).Format(wall) == due.In(loc).Format(wall) {
		next = e.after(next, loc)
	}
	return next
}

// Run runs the schedules until ctx ends, then waits for the runs in
// flight and returns ctx's error. It hands each run to c, and says
// through out, in the schedule's channel, which schedule runs and why a
// run was not made. The first run of each schedule is its first time
// after Run starts: what fell due before, while gordon was down, is not
// made up.
func (s *Scheduler) Run(ctx context.Context, c Commander, out commands.Replier) error {
	s.begin()
	var runs sync.WaitGroup
	defer runs.Wait()

	for {
		now := s.clock.Now()
		for _, e := range s.due(now) {
			s.fire(ctx, runner{c: c, out: out, runs: &runs}, e, now)
		}

		wait := min(s.nextDue().Sub(now), maxSleep)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.clock.After(wait):
		}
	}
}

// begin works out every schedule's next run from now.
func (s *Scheduler) begin() {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()

	for _, e := range s.entries {
		e.next = e.after(now, s.loc)
	}
}

// due returns the schedules whose next run is now or past. A zero next
// run is cron finding none in five years: never.
func (s *Scheduler) due(now time.Time) []*entry {
	s.mu.Lock()
	defer s.mu.Unlock()

	var out []*entry
	for _, e := range s.entries {
		if !e.next.IsZero() && !e.next.After(now) {
			out = append(out, e)
		}
	}
	return out
}

// nextDue returns when the next schedule falls due; far off when there
// is none, which maxSleep caps.
func (s *Scheduler) nextDue() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()

	var first time.Time
	for _, e := range s.entries {
		if !e.next.IsZero() && (first.IsZero() || e.next.Before(first)) {
			first = e.next
		}
	}
	if first.IsZero() {
		return s.clock.Now().Add(maxSleep)
	}
	return first
}
