package commands

import (
	"sync"
	"time"
)

// limiter is a token bucket per person. A person over the limit is told
// to slow down once; further lines are dropped quietly until a token is
// free again, so the warning itself cannot become a flood.
type limiter struct {
	burst    float64
	interval time.Duration

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
	warned bool
}

// verdict is what the limiter decided about one line.
type verdict int

const (
	allowed verdict = iota
	warn            // over the limit for the first time: say "slow down"
	drop            // over the limit again: say nothing
)

func newLimiter(burst int, interval time.Duration) *limiter {
	return &limiter{burst: float64(burst), interval: interval, buckets: map[string]*bucket{}}
}

// take spends one token of who's bucket.
func (l *limiter) take(who string, now time.Time) verdict {
	if l.interval <= 0 {
		return allowed
	}

	l.mu.Lock()
	defer l.mu.Unlock()

	b := l.buckets[who]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[who] = b
		l.prune(now)
	}
	b.refill(now, l.burst, l.interval)

	if b.tokens >= 1 {
		b.tokens--
		b.warned = false
		return allowed
	}
	if b.warned {
		return drop
	}
	b.warned = true
	return warn
}

func (b *bucket) refill(now time.Time, burst float64, interval time.Duration) {
	elapsed := now.Sub(b.last)
	if elapsed <= 0 {
		return
	}
	b.tokens = min(burst, b.tokens+float64(elapsed)/float64(interval))
	b.last = now
}

// prune forgets people whose bucket is full again, so the map does not
// grow with every nick that ever spoke. It runs when a new bucket is made,
// and only when the map is large, to keep the common path cheap.
func (l *limiter) prune(now time.Time) {
	if len(l.buckets) < 1024 {
		return
	}
	full := time.Duration(l.burst) * l.interval
	for who, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, who)
		}
	}
}
