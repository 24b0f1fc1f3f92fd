package gating

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/gordonbot/gordon/integrations/github"
)

// How the inbox is worked off.
const (
	// replayInterval is the wait between two looks at the inbox.
	replayInterval = time.Minute

	// firstRetry is the wait after a first failure; it doubles with each
	// further one, up to maxRetryWait.
	firstRetry   = time.Minute
	maxRetryWait = 30 * time.Minute

	// maxTries and maxAge bound the tries at one delivery: beyond them
	// it is given up, and says so in the log.
	maxTries = 6
	maxAge   = 24 * time.Hour
)

// Run takes up the deliveries a crash left in the inbox, then, until ctx
// ends, tries again those whose handling failed, waiting longer after
// each failure, and sets the final commit statuses GitHub did not take
// before. It returns nil when ctx ends.
func (g *Gate) Run(ctx context.Context) error {
	for {
		g.Replay(ctx)
		if err := g.opts.Statuses.Retry(ctx); err != nil && ctx.Err() == nil {
			g.log.Error("final statuses not retried", keyError, err)
		}

		t := time.NewTimer(replayInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Replay acts on the deliveries of the inbox that are due: those a
// previous run of gordon left, and those whose last try failed long
// enough ago. Run calls it; tests call it to drive it themselves.
func (g *Gate) Replay(ctx context.Context) {
	entries, err := g.opts.Inbox.pending(ctx)
	if err != nil {
		g.log.Error("gating inbox unreadable", keyError, err)
		return
	}

	now := g.now()
	ids := slices.SortedFunc(maps.Keys(entries), func(a, b string) int {
		return cmp.Compare(entries[a].Received.UnixNano(), entries[b].Received.UnixNano())
	})
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		e := entries[id]
		switch {
		case e.Attempts >= maxTries || now.Sub(e.Received) > maxAge || e.Event == "":
			g.giveUp(ctx, id, e)
		case g.due(e, now):
			g.retry(ctx, id, e)
		}
	}
}

// due reports whether a delivery should be tried now: one never tried
// that arrived before this gate started, which a crash interrupted, or
// one whose last failure is long enough ago.
func (g *Gate) due(e inboxEntry, now time.Time) bool {
	if e.Attempts == 0 {
		return e.Received.Before(g.started)
	}
	wait := min(firstRetry<<(e.Attempts-1), maxRetryWait)
	return !now.Before(e.LastTry.Add(wait))
}

// retry handles a delivery of the inbox again, as the receiver would.
func (g *Gate) retry(ctx context.Context, id string, e inboxEntry) {
	ev, err := github.ParseDelivery(github.Delivery{ID: id, Event: e.Event, Received: e.Received, Body: e.Body})
	if err != nil || !g.Durable(ev) {
		g.giveUp(ctx, id, e)
		return
	}

	ctx, cancel := context.WithTimeout(ctx, handleTimeout)
	defer cancel()
	if err := g.HandleEvent(ctx, ev); err != nil {
		g.metrics.replays.WithLabelValues(replayKept).Inc()
		g.log.Warn("github delivery failed again; kept", keyDelivery, id, keyEvent, e.Event,
			keyAttempts, e.Attempts+1, keyError, err)
		return
	}
	g.metrics.replays.WithLabelValues(replayDone).Inc()
	g.log.Info("github delivery taken up again", keyDelivery, id, keyEvent, e.Event)
}

// giveUp drops a delivery that cannot be acted on, saying so.
func (g *Gate) giveUp(ctx context.Context, id string, e inboxEntry) {
	g.metrics.replays.WithLabelValues(replayGaveUp).Inc()
	g.log.Error("github delivery given up; it was not acted on", keyDelivery, id, keyEvent, e.Event,
		keyAttempts, e.Attempts)
	if err := g.opts.Inbox.Done(ctx, id); err != nil {
		g.log.Error("given up delivery not taken out of the inbox", keyDelivery, id, keyError, err)
	}
}
