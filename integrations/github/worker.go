package github

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// How long handling may take: one event, and the queue left over when
// the receiver stops.
const (
	handleTimeout = 30 * time.Second
	drainTimeout  = 10 * time.Second
)

// Run hands accepted events to the handler, writes delivery IDs in
// batches and prunes old ones, until ctx ends. Then it refuses new
// deliveries with 503, hands on what is queued (bounded in time), writes
// the last IDs and returns nil. A receiver runs once: a second Run
// returns an error wrapping ErrStopped.
func (r *Receiver) Run(ctx context.Context) error {
	if err := r.start(); err != nil {
		return err
	}

	handling, stopHandling := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHandling()

	var workers sync.WaitGroup
	for range r.cfg.Workers {
		workers.Go(func() { r.work(handling) })
	}
	// The recorder outlives ctx until the queue is closed, so that its
	// last batch holds every accepted ID.
	recording, stopRecording := context.WithCancel(context.WithoutCancel(ctx))
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		r.rec.run(recording, r.cfg.Retention, r.opts.Now)
	}()

	<-ctx.Done()
	r.stop()
	timer := time.AfterFunc(drainTimeout, stopHandling)
	defer timer.Stop()
	workers.Wait()

	stopRecording()
	<-recorded
	return nil
}

// start marks the receiver running, once.
func (r *Receiver) start() error {
	r.mu.Lock()
	defer r.mu.Unlock()

	if r.running || r.stopped {
		return fmt.Errorf("run webhook receiver again: %w", ErrStopped)
	}
	r.running = true
	return nil
}

// stop refuses further deliveries and closes the queue, so that the
// workers end once it is empty.
func (r *Receiver) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()

	r.stopped = true
	close(r.events)
}

// Flush writes the delivery IDs waiting for the next batch now.
func (r *Receiver) Flush(ctx context.Context) error {
	return r.rec.flush(ctx)
}

// work handles queued events until the queue is closed and empty.
func (r *Receiver) work(ctx context.Context) {
	for q := range r.events {
		<-r.slots
		r.metrics.queued.Set(float64(len(r.events)))
		r.handle(ctx, q.event)
		r.giveBack(q.share)
	}
}

// handle runs the handler on one event with a timeout, turning a panic
// into an error, and logs and counts the result.
func (r *Receiver) handle(ctx context.Context, ev Event) {
	ctx, cancel := context.WithTimeout(ctx, handleTimeout)
	defer cancel()

	err := r.safeHandle(ctx, ev)
	elapsed := r.opts.Now().Sub(ev.Received)
	r.metrics.processing.WithLabelValues(r.eventLabel(ev.Type)).Observe(elapsed.Seconds())
	if err != nil {
		r.metrics.handleErrors.WithLabelValues(r.eventLabel(ev.Type)).Inc()
		r.log.Error("github event handling failed", keyError, err,
			keyDelivery, ev.Delivery, keyEvent, ev.Type, keyElapsed, elapsed)
	}
}

// errPanic marks a handler that panicked.
var errPanic = errors.New("event handler panicked")

func (r *Receiver) safeHandle(ctx context.Context, ev Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("github event handler panicked", keyDelivery, ev.Delivery,
				keyStack, string(debug.Stack()))
			err = fmt.Errorf("%w: %v", errPanic, p)
		}
	}()

	if err := r.opts.Handler.HandleEvent(ctx, ev); err != nil {
		return fmt.Errorf("handle %s delivery %s: %w", ev.Type, ev.Delivery, err)
	}
	return nil
}
