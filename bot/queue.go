package bot

import (
	"context"
	"sync"

	"github.com/gordonbot/gordon/commands"
)

// outLine is one line waiting to be written.
type outLine struct {
	target   string
	text     string
	notice   bool
	priority commands.Priority
}

// levels is the number of priorities the queue orders by.
const levels = int(commands.PriorityAnnounce) + 1

// queue holds every line gordon has not yet written. Lines leave by
// priority (alerts, then replies, then announcements), and within one
// priority round-robin between targets, so one long answer does not hold
// up a short one elsewhere. Lines of one target keep their order. The
// queue outlives connections: what was not written before a disconnect is
// written after the reconnect.
type queue struct {
	mu     sync.Mutex
	byPrio [levels]ring
	size   int
	wake   chan struct{} // closed and replaced when something changes
}

// ring is the targets of one priority, visited in turn.
type ring struct {
	targets []string
	lines   map[string][]outLine
	next    int
}

func newQueue() *queue {
	q := &queue{wake: make(chan struct{})}
	for i := range q.byPrio {
		q.byPrio[i].lines = map[string][]outLine{}
	}
	return q
}

// push adds lines at the end of their target's queue.
func (q *queue) push(lines ...outLine) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, l := range lines {
		r := &q.byPrio[l.priority]
		if len(r.lines[l.target]) == 0 {
			r.targets = append(r.targets, l.target)
		}
		r.lines[l.target] = append(r.lines[l.target], l)
		q.size++
	}
	q.notifyLocked()
}

// pushFront puts a line back at the head of its target's queue, for a
// line taken but never written.
func (q *queue) pushFront(l outLine) {
	q.mu.Lock()
	defer q.mu.Unlock()
	r := &q.byPrio[l.priority]
	if len(r.lines[l.target]) == 0 {
		r.targets = append(r.targets, l.target)
	}
	r.lines[l.target] = append([]outLine{l}, r.lines[l.target]...)
	q.size++
	q.notifyLocked()
}

// notify wakes a waiting pop, as when a channel was joined.
func (q *queue) notify() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.notifyLocked()
}

func (q *queue) notifyLocked() {
	close(q.wake)
	q.wake = make(chan struct{})
}

// len returns how many lines wait, per priority.
func (q *queue) len() (total int, per [levels]int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := range q.byPrio {
		for _, ls := range q.byPrio[i].lines {
			per[i] += len(ls)
		}
	}
	return q.size, per
}

// pop removes and returns the next line whose target can be written to
// now, waiting until there is one or ctx ends.
func (q *queue) pop(ctx context.Context, ready func(target string) bool) (outLine, error) {
	for {
		q.mu.Lock()
		l, ok := q.takeLocked(ready)
		wake := q.wake
		q.mu.Unlock()
		if ok {
			return l, nil
		}

		select {
		case <-wake:
		case <-ctx.Done():
			return outLine{}, ctx.Err()
		}
	}
}

func (q *queue) takeLocked(ready func(string) bool) (outLine, bool) {
	for i := range q.byPrio {
		if l, ok := q.byPrio[i].take(ready); ok {
			q.size--
			return l, true
		}
	}
	return outLine{}, false
}

// take returns the first line of the next ready target in turn.
func (r *ring) take(ready func(string) bool) (outLine, bool) {
	for range r.targets {
		if r.next >= len(r.targets) {
			r.next = 0
		}
		target := r.targets[r.next]
		if !ready(target) {
			r.next++
			continue
		}

		l := r.lines[target][0]
		r.lines[target] = r.lines[target][1:]
		if len(r.lines[target]) == 0 {
			delete(r.lines, target)
			r.targets = append(r.targets[:r.next], r.targets[r.next+1:]...)
		} else {
			r.next++
		}
		return l, true
	}
	return outLine{}, false
}
