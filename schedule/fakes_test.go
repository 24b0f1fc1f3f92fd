package schedule

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gordonbot/gordon/commands"
)

// guard bounds every wait on the Scheduler's goroutine, so that a test
// that goes wrong fails instead of hanging. No test sleeps: time moves
// only when a test moves the fake clock.
const guard = 5 * time.Second

// fakeClock is a Clock that moves only when told. It counts the waits
// the Scheduler starts, so that a test can tell when the Scheduler has
// acted on a moment and waits again.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waits   []wait
	started int           // waits ever started
	changed chan struct{} // a wait started
}

// wait is a wait of the Scheduler's: its end and its channel.
type wait struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, changed: make(chan struct{}, 1)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()

	w := wait{at: c.now.Add(d), ch: make(chan time.Time, 1)}
	c.waits = append(c.waits, w)
	c.started++
	select {
	case c.changed <- struct{}{}:
	default:
	}
	return w.ch
}

// waiting waits until the Scheduler has started more than n waits.
func (c *fakeClock) waiting(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(guard)
	for {
		c.mu.Lock()
		started := c.started
		c.mu.Unlock()
		if started > n {
			return
		}
		select {
		case <-c.changed:
		case <-timeout:
			t.Fatalf("the scheduler never waited again after %d waits", n)
		}
	}
}

// advance moves the clock to "to" the way time passes: each wait that
// ends on the way ends at its own time, and advance lets the Scheduler
// act and wait again before it goes on.
func (c *fakeClock) advance(t *testing.T, to time.Time) {
	t.Helper()
	for {
		c.mu.Lock()
		i := slices.IndexFunc(c.waits, func(w wait) bool { return !w.at.After(to) })
		if i < 0 {
			c.now = to
			c.mu.Unlock()
			return
		}
		w, n := c.waits[i], c.started
		c.waits = slices.Delete(c.waits, i, i+1)
		c.now = w.at
		c.mu.Unlock()

		w.ch <- w.at
		c.waiting(t, n)
	}
}

// set puts the clock at "to" with no wait pending, as a gordon started
// again finds it.
func (c *fakeClock) set(to time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now, c.waits = to, nil
}

// jump moves the clock to "to" at once, as a machine waking from sleep
// finds it: the Scheduler's wait ends late, at "to".
func (c *fakeClock) jump(t *testing.T, to time.Time) {
	t.Helper()
	c.mu.Lock()
	c.now = to
	pending, n := c.waits, c.started
	c.waits = nil
	c.mu.Unlock()

	for _, w := range pending {
		w.ch <- to
	}
	if len(pending) > 0 {
		c.waiting(t, n)
	}
}

// commander records the lines it is handed, and holds each run until
// released when hold is set.
type commander struct {
	mu   sync.Mutex
	runs []commands.External
	hold chan struct{} // nil: runs return at once
	ran  chan commands.External
}

func newCommander() *commander {
	return &commander{ran: make(chan commands.External, 100)}
}

func (c *commander) HandleExternal(ctx context.Context, e commands.External) {
	c.mu.Lock()
	c.runs = append(c.runs, e)
	hold := c.hold
	c.mu.Unlock()

	c.ran <- e
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
		}
	}
}

// holdRuns makes every run wait until the channel it returns is closed.
func (c *commander) holdRuns() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hold = make(chan struct{})
	return c.hold
}

// next returns the next run handed over.
func (c *commander) next(t *testing.T) commands.External {
	t.Helper()
	select {
	case e := <-c.ran:
		return e
	case <-time.After(guard):
		t.Fatal("no run was handed over")
		return commands.External{}
	}
}

// all returns every run handed over so far.
func (c *commander) all() []commands.External {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.runs)
}

// channel is a Replier that keeps every line by target.
type channel struct {
	mu    sync.Mutex
	lines []string // "target: line"
}

func (c *channel) Send(ctx context.Context, r commands.Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range r.Lines {
		c.lines = append(c.lines, r.Target+": "+l)
	}
	return nil
}

// said returns the lines sent so far that contain part.
func (c *channel) said(part string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, l := range c.lines {
		if strings.Contains(l, part) {
			out = append(out, l)
		}
	}
	return out
}

// fixedBusy says the same of every line.
type fixedBusy struct {
	mu  sync.Mutex
	why string
}

func (b *fixedBusy) Busy(line string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.why, b.why != ""
}

func (b *fixedBusy) set(why string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.why = why
}
