package bot

import (
	"math/rand/v2"
	"time"
)

// backoff spaces reconnect attempts: it doubles from min to max, and each
// wait is drawn between half and all of the current step, so many bots
// cut off by one netsplit do not come back in step.
type backoff struct {
	min, max time.Duration
	step     time.Duration
}

func newBackoff(min, max time.Duration) *backoff {
	return &backoff{min: min, max: max}
}

// next returns the wait before the next attempt.
func (b *backoff) next() time.Duration {
	if b.step == 0 {
		b.step = b.min
	} else {
		b.step = min(b.step*2, b.max)
	}
	half := b.step / 2
	return half + rand.N(half+1)
}

// reset starts again from min, after a connection that worked.
func (b *backoff) reset() {
	b.step = 0
}
