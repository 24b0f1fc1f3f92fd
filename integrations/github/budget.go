package github

import (
	"context"
	"sync"
)

// budget bounds the bytes of delivery bodies held in memory at once: the
// bodies being read and the events waiting in the queue. A delivery
// takes its share before its body is read and gives it back once its
// event has been handled or it was refused, so that 25 MB deliveries
// arriving together wait for each other instead of growing the heap.
type budget struct {
	mu      sync.Mutex
	free    int64
	total   int64
	changed chan struct{} // closed and replaced when bytes are given back
}

func newBudget(total int64) *budget {
	return &budget{free: total, total: total, changed: make(chan struct{})}
}

// acquire takes n bytes, waiting until they are free or ctx ends. A
// request for more than the whole budget takes all of it.
func (b *budget) acquire(ctx context.Context, n int64) (int64, error) {
	n = min(n, b.total)
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			return n, nil
		}
		changed := b.changed
		b.mu.Unlock()

		select {
		case <-changed:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// release gives back n bytes taken with acquire.
func (b *budget) release(n int64) {
	if n == 0 {
		return
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	b.free += n
	close(b.changed)
	b.changed = make(chan struct{})
}

// inUse returns the bytes currently taken.
func (b *budget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()

	return b.total - b.free
}
