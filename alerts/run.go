package alerts

import (
	"context"
	"sync"
	"time"
)

// Timing of Run.
const (
	// factsEvery is how often the node metadata is reloaded when no new
	// node asks for it: upgrades change kernels and versions.
	factsEvery = 5 * time.Minute

	// factsGap is the least time between two reloads, so that a node the
	// metadata never shows (hidden by an ACL, say) does not have the
	// catalog listed on every snapshot.
	factsGap = 5 * time.Second

	// idleWait is how long Run sleeps with nothing pending; a snapshot
	// wakes it sooner.
	idleWait = time.Hour
)

// Run loads what the engine keeps outside memory (Load), then ticks on
// real time until ctx ends, sending each line as soon as it is due. Meanwhile
// it keeps the node metadata fresh (at the start, when a snapshot names
// a node it lacks, and every few minutes), reads gordon's maintenance
// records every few seconds, and saves what it announced. It returns
// ctx's error once every loop has stopped, the last save done.
func (e *Engine) Run(ctx context.Context) error {
	e.mu.Lock()
	loaded := e.loaded
	e.mu.Unlock()
	if !loaded {
		if err := e.Load(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("alerts load incomplete; going on without it", keyError, err)
		}
	}

	var wg sync.WaitGroup
	wg.Go(func() { e.refreshLoop(ctx) })
	wg.Go(func() { e.maintLoop(ctx) })
	wg.Go(func() { e.saveLoop(ctx) })

	e.tickLoop(ctx)
	wg.Wait()
	return ctx.Err()
}

// tickLoop ticks whenever something falls due or a snapshot comes in.
func (e *Engine) tickLoop(ctx context.Context) {
	timer := time.NewTimer(idleWait)
	defer timer.Stop()
	for {
		if err := e.Tick(ctx, e.now()); err != nil && ctx.Err() == nil {
			e.log.Warn("alert lines lost", keyError, err)
		}

		wait := idleWait
		if next, ok := e.Next(); ok {
			wait = max(next.Sub(e.now()), 0)
		}
		timer.Reset(wait)

		select {
		case <-ctx.Done():
			return
		case <-e.wake:
		case <-timer.C:
		case <-e.silencesChanged():
			e.mu.Lock()
			e.requiet = true
			e.mu.Unlock()
		}
	}
}

// silencesChanged returns the silences' change signal; nil, which never
// receives, without silences.
func (e *Engine) silencesChanged() <-chan struct{} {
	if e.silences == nil {
		return nil
	}
	return e.silences.Changed()
}

// refreshLoop reloads the facts at the start, when asked, and every
// factsEvery, never twice within factsGap; after a failure it tries again
// once factsGap has passed.
func (e *Engine) refreshLoop(ctx context.Context) {
	if e.source == nil {
		return
	}

	ticker := time.NewTicker(factsEvery)
	defer ticker.Stop()
	for {
		ok := e.refresh(ctx)
		if !sleep(ctx, factsGap) {
			return
		}
		if !ok {
			continue
		}

		select {
		case <-ctx.Done():
			return
		case <-e.stale:
		case <-ticker.C:
		}
	}
}

// refresh reloads the facts and reports whether it could; a failure is
// logged, and the old facts stay.
func (e *Engine) refresh(ctx context.Context) bool {
	started := time.Now()
	if err := e.RefreshFacts(ctx); err != nil {
		if ctx.Err() == nil {
			e.log.Warn("node metadata not refreshed", keyError, err, keyRetryIn, factsGap)
		}
		return false
	}

	e.mu.Lock()
	n := e.facts.total()
	e.mu.Unlock()
	e.log.Debug("node metadata refreshed", keyNodes, n, keyTook, time.Since(started))
	return true
}

// sleep waits for d, and reports false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
