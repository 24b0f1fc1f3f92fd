package schedule

import "time"

// Clock is the time a Scheduler keeps.
type Clock interface {
	// Now returns the current time.
	Now() time.Time

	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// realClock is the system's clock.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
