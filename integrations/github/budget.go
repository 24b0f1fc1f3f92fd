package github

import (
	"container/list"
	"context"
	"sync"
)

// budget bounds the bytes of delivery bodies held in memory at once: the
// bodies being read and the events waiting in the queue. A delivery
// takes its share before its body is read and gives it back once its
// event has been handled or it was refused, so that 25 MB deliveries
// arriving together wait for each other instead of growing the heap.
// Waiters are served in arrival order, so a large delivery is never
// starved by a stream of small ones.
type budget struct {
	mu      sync.Mutex
	free    int64
	total   int64
	waiters list.List // of *budgetWaiter, oldest first
}

// budgetWaiter is a delivery waiting for its share.
type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed once the share is granted
}

func newBudget(total int64) *budget {
	return &budget{free: total, total: total}
}

// acquire takes n bytes, waiting behind earlier waiters until they are
// free or ctx ends. A request for more than the whole budget takes all of
// it. It returns the bytes taken.
func (b *budget) acquire(ctx context.Context, n int64) (int64, error) {
	n = min(n, b.total)

	b.mu.Lock()
	if b.waiters.Len() == 0 && b.free >= n {
		b.free -= n
		b.mu.Unlock()
		return n, nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	elem := b.waiters.PushBack(w)
	b.mu.Unlock()

	select {
	case <-w.ready:
		return n, nil
	case <-ctx.Done():
		b.leave(elem, w)
		return 0, ctx.Err()
	}
}

// leave takes a waiter whose ctx ended out of the line. When its share
// was granted in the meantime, the share goes back.
func (b *budget) leave(elem *list.Element, w *budgetWaiter) {
	b.mu.Lock()
	defer b.mu.Unlock()

	select {
	case <-w.ready:
		b.free += w.n
	default:
		b.waiters.Remove(elem)
	}
	b.grant()
}

// release gives back n bytes taken with acquire.
func (b *budget) release(n int64) {
	if n == 0 {
		return
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	b.free += n
	b.grant()
}

// grant hands shares to the waiters in order, as long as the first one
// fits. b.mu must be held.
func (b *budget) grant() {
	for e := b.waiters.Front(); e != nil; e = b.waiters.Front() {
		w := e.Value.(*budgetWaiter)
		if b.free < w.n {
			return
		}
		b.free -= w.n
		b.waiters.Remove(e)
		close(w.ready)
	}
}

// inUse returns the bytes currently taken.
func (b *budget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()

	return b.total - b.free
}

// waiting returns how many deliveries wait for a share.
func (b *budget) waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()

	return b.waiters.Len()
}
