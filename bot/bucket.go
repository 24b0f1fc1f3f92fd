package bot

import (
	"context"
	"sync"
	"time"
)

// bucket is a token bucket that hands out send slots in the order they
// are asked for: burst lines at once, then one per interval. Waiters are
// served first come, first served, so a PONG that girc sends is never
// starved by a long queue of replies.
type bucket struct {
	burst    int
	interval time.Duration

	mu   sync.Mutex
	next time.Time // when the bucket is full again, minus what is reserved
}

func newBucket(burst int, interval time.Duration) *bucket {
	return &bucket{burst: burst, interval: interval}
}

// reserve books the next slot and returns how long to wait for it.
func (b *bucket) reserve(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()

	// next is the moment all tokens are spent; a full bucket lies
	// burst intervals before it.
	floor := now.Add(-time.Duration(b.burst-1) * b.interval)
	if b.next.Before(floor) {
		b.next = floor
	}
	wait := b.next.Sub(now)
	b.next = b.next.Add(b.interval)
	if wait < 0 {
		return 0
	}
	return wait
}

// wait blocks until a slot is free or ctx ends. A slot booked by a wait
// that ends early is not given back: at worst one slot is wasted, and the
// server never sees more than the budget.
func (b *bucket) wait(ctx context.Context) error {
	if b.interval <= 0 {
		return ctx.Err()
	}
	d := b.reserve(time.Now())
	if d == 0 {
		return ctx.Err()
	}

	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// refill makes the whole burst available again, as on a new connection.
func (b *bucket) refill() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next = time.Time{}
}
