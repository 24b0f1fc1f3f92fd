package schedule

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the tests, wherever they run

	"github.com/gordonbot/gordon/commands"
)

var (
	alice = commands.Maintainer{Name: "alice", Accounts: []string{"alice"}}
	bob   = commands.Maintainer{Name: "bob", Hostmasks: []string{"bob!*@*"}}
)

// weeklyMaster is the schedule of the issue: master on the overlay nodes
// every Saturday at three in the morning.
var weeklyMaster = Entry{Name: "weekly-master", Cron: "0 3 * * 6", Command: "upgrade master storage=overlay",
	Channel: "#fleet", As: "alice"}

// berlin is a zone an hour or two east of UTC, with summer time.
func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// utc is a moment in UTC.
func utc(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, time.UTC)
}

// rig is a Scheduler running on a fake clock, handing its runs to a
// commander and its lines to a channel.
type rig struct {
	t     *testing.T
	clock *fakeClock
	cmd   *commander
	out   *channel
	s     *Scheduler
	stop  func()
}

// startRig starts a Scheduler over entries in loc on clock, and returns
// once it waits for its first run.
func startRig(t *testing.T, clock *fakeClock, loc *time.Location, busy Busy, entries ...Entry) *rig {
	t.Helper()
	r := &rig{t: t, clock: clock, cmd: newCommander(), out: &channel{}}
	var err error
	r.s, err = New(Options{Entries: entries, Maintainers: []commands.Maintainer{alice, bob}, Location: loc,
		Busy: busy, Clock: clock})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	clock.mu.Lock()
	waits := clock.started
	clock.mu.Unlock()
	go func() { done <- r.s.Run(ctx, r.cmd, r.out) }()
	r.stop = sync.OnceFunc(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(guard):
			t.Error("Run did not return")
		}
	})
	t.Cleanup(r.stop)
	clock.waiting(t, waits)
	return r
}

// received returns when each run handed over was received.
func received(runs []commands.External) []time.Time {
	out := make([]time.Time, len(runs))
	for i, e := range runs {
		out[i] = e.Received
	}
	return out
}

func TestSchedulerRunsInItsZone(t *testing.T) {
	loc := berlin(t)
	tests := []struct {
		name  string
		entry Entry
		from  time.Time
		until time.Time
		want  []time.Time
	}{
		{
			// 03:00 in Berlin in winter is 02:00 UTC.
			name: "saturdays in winter", entry: weeklyMaster,
			from: utc(2026, 12, 4, 12, 0), until: utc(2026, 12, 12, 12, 0),
			want: []time.Time{utc(2026, 12, 5, 2, 0), utc(2026, 12, 12, 2, 0)},
		},
		{
			// Summer time starts on 28 March 2027: 03:00 is then 01:00 UTC.
			name: "daily across the change to summer time",
			entry: Entry{Name: "nightly-rc", Cron: "0 3 * * *", Command: "upgrade rc --dry-run", Channel: "#fleet",
				As: "bob"},
			from: utc(2027, 3, 26, 12, 0), until: utc(2027, 3, 29, 0, 0),
			want: []time.Time{utc(2027, 3, 27, 2, 0), utc(2027, 3, 28, 1, 0)},
		},
		{
			// Summer time ends on 31 October 2027: 02:30 comes twice,
			// at 00:30 and 01:30 UTC, and runs once.
			name: "daily in the hour that comes twice",
			entry: Entry{Name: "nightly-rc", Cron: "30 2 * * *", Command: "upgrade rc --dry-run", Channel: "#fleet",
				As: "bob"},
			from: utc(2027, 10, 30, 12, 0), until: utc(2027, 11, 1, 12, 0),
			want: []time.Time{utc(2027, 10, 31, 0, 30), utc(2027, 11, 1, 1, 30)},
		},
		{
			name: "a descriptor",
			entry: Entry{Name: "weekly", Cron: "@weekly", Command: "nodes unhealthy", Channel: "#ops",
				As: "alice"},
			from: utc(2026, 12, 4, 12, 0), until: utc(2026, 12, 14, 0, 0),
			// Sunday midnight in Berlin.
			want: []time.Time{utc(2026, 12, 5, 23, 0), utc(2026, 12, 12, 23, 0)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := startRig(t, newFakeClock(tt.from), loc, nil, tt.entry)

			// A minute before the first run, nothing has run.
			r.clock.advance(t, tt.want[0].Add(-time.Minute))
			if runs := r.cmd.all(); len(runs) != 0 {
				t.Fatalf("ran early: %+v", runs)
			}

			r.clock.advance(t, tt.until)
			r.stop()
			runs := r.cmd.all()
			if got := received(runs); len(got) != len(tt.want) || !got[0].Equal(tt.want[0]) || !got[1].Equal(tt.want[1]) {
				t.Fatalf("ran at %v, want %v", got, tt.want)
			}

			want := commands.ScheduleCaller(tt.entry.Name, map[string]commands.Maintainer{
				"alice": alice, "bob": bob}[tt.entry.As])
			e := runs[0]
			if e.Line != tt.entry.Command || e.Target != tt.entry.Channel || e.Caller.Who() != want.Who() ||
				e.Caller.Name != tt.entry.As || e.Caller.Role != commands.RoleMaintainer || e.Caller.Via != "schedule" {
				t.Fatalf("handed over %+v", e)
			}
			if heads := r.out.said("schedule " + tt.entry.Name + ": " + tt.entry.Command); len(heads) != 2 {
				t.Fatalf("headings: %q", heads)
			}
		})
	}
}

// TestSchedulerSkipsOverlaps: a run that falls due while the previous
// one is still going, or while an upgrade is under way, is skipped and
// said; the next one runs once the way is clear.
func TestSchedulerSkipsOverlaps(t *testing.T) {
	every10 := Entry{Name: "ten", Cron: "*/10 * * * *", Command: "upgrade rc", Channel: "#fleet", As: "alice"}
	start := utc(2026, 12, 4, 12, 1)

	t.Run("its own run still going", func(t *testing.T) {
		clock := newFakeClock(start)
		r := startRig(t, clock, time.UTC, nil, every10)
		hold := r.cmd.holdRuns()

		r.clock.advance(t, utc(2026, 12, 4, 12, 10))
		r.cmd.next(t)
		r.clock.advance(t, utc(2026, 12, 4, 12, 20))
		if st := r.s.Schedules()[0]; st.Last.Outcome != Skipped || !st.Running {
			t.Fatalf("state %+v", st)
		}
		want := "#fleet: schedule ten skipped: its run of Fri 2026-12-04 12:10 UTC is still going; " +
			"next Fri 2026-12-04 12:30 UTC"
		if got := r.out.said("skipped"); len(got) != 1 || got[0] != want {
			t.Fatalf("said %q\nwant %q", got, want)
		}

		close(hold)
		waitFor(t, "the run to end", func() bool { return !r.s.Schedules()[0].Running })
		r.clock.advance(t, utc(2026, 12, 4, 12, 30))
		r.cmd.next(t)
		if got := received(r.cmd.all()); len(got) != 2 || !got[1].Equal(utc(2026, 12, 4, 12, 30)) {
			t.Fatalf("ran at %v", got)
		}
	})

	t.Run("an upgrade under way", func(t *testing.T) {
		busy := &fixedBusy{}
		busy.set("an upgrade to 24.0.1 is still running (see upgrade status)")
		r := startRig(t, newFakeClock(start), time.UTC, busy, every10)

		r.clock.advance(t, utc(2026, 12, 4, 12, 10))
		want := "#fleet: schedule ten skipped: an upgrade to 24.0.1 is still running (see upgrade status); " +
			"next Fri 2026-12-04 12:20 UTC"
		if got := r.out.said("skipped"); len(got) != 1 || got[0] != want || len(r.cmd.all()) != 0 {
			t.Fatalf("said %q, ran %d times", got, len(r.cmd.all()))
		}

		busy.set("")
		r.clock.advance(t, utc(2026, 12, 4, 12, 20))
		if e := r.cmd.next(t); !e.Received.Equal(utc(2026, 12, 4, 12, 20)) {
			t.Fatalf("ran at %v", e.Received)
		}
	})
}

// TestSchedulerDoesNotReplayMissedRuns: a run that fell due while gordon
// was down is not made up when it starts again; one that fell due while
// it was asleep is said to be missed, and not made up either.
func TestSchedulerDoesNotReplayMissedRuns(t *testing.T) {
	t.Run("down", func(t *testing.T) {
		clock := newFakeClock(utc(2026, 12, 4, 12, 0))
		first := startRig(t, clock, time.UTC, nil, weeklyMaster)
		clock.advance(t, utc(2026, 12, 5, 2, 0))
		first.stop()

		// gordon is down over Saturday 03:00 and back at 05:00.
		clock.set(utc(2026, 12, 5, 5, 0))
		second := startRig(t, clock, time.UTC, nil, weeklyMaster)
		if st := second.s.Schedules()[0]; !st.Next.Equal(utc(2026, 12, 12, 3, 0)) || st.Last.Outcome != "" {
			t.Fatalf("after the restart: %+v", st)
		}

		clock.advance(t, utc(2026, 12, 12, 2, 59))
		second.stop()
		if runs := append(first.cmd.all(), second.cmd.all()...); len(runs) != 0 {
			t.Fatalf("ran %+v", runs)
		}
		if said := append(first.out.said(""), second.out.said("")...); len(said) != 0 {
			t.Fatalf("said %q", said)
		}
	})

	t.Run("asleep", func(t *testing.T) {
		clock := newFakeClock(utc(2026, 12, 5, 2, 0))
		r := startRig(t, clock, time.UTC, nil, weeklyMaster)
		clock.advance(t, utc(2026, 12, 5, 2, 59))

		// The machine sleeps from 02:59 to 04:10.
		clock.jump(t, utc(2026, 12, 5, 4, 10))
		clock.advance(t, utc(2026, 12, 5, 6, 0))
		r.stop()
		if runs := r.cmd.all(); len(runs) != 0 {
			t.Fatalf("made up a missed run: %+v", runs)
		}
		want := "#fleet: schedule weekly-master: its run of Sat 2026-12-05 03:00 UTC was missed " +
			"(gordon was stopped or asleep then) and is not made up; next Sat 2026-12-12 03:00 UTC"
		if got := r.out.said(""); len(got) != 1 || got[0] != want {
			t.Fatalf("said %q\nwant %q", got, want)
		}
		if st := r.s.Schedules()[0]; st.Last.Outcome != Missed {
			t.Fatalf("state %+v", st)
		}
	})

	t.Run("a little late", func(t *testing.T) {
		clock := newFakeClock(utc(2026, 12, 5, 2, 0))
		r := startRig(t, clock, time.UTC, nil, weeklyMaster)
		clock.advance(t, utc(2026, 12, 5, 2, 59))

		// Asleep for less than the limit: the run is late, not missed.
		clock.jump(t, utc(2026, 12, 5, 3, 1))
		if e := r.cmd.next(t); !e.Received.Equal(utc(2026, 12, 5, 3, 1)) {
			t.Fatalf("ran at %v", e.Received)
		}
	})
}

// waitFor waits, bounded, for cond, which a goroutine of the
// Scheduler's makes true. It polls for that goroutine, not for time to
// pass: the fake clock stands still meanwhile.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSchedulerNeedsMaintainer(t *testing.T) {
	e := weeklyMaster
	e.As = "mallory"
	_, err := New(Options{Entries: []Entry{e}, Maintainers: []commands.Maintainer{alice}})
	if err == nil || !strings.Contains(err.Error(), `"mallory" names no maintainer`) {
		t.Fatalf("got %v", err)
	}
}
