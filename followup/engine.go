package followup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/store"
)

// Options wire an Engine.
type Options struct {
	Config  Config
	Jenkins Jenkins
	Store   Store

	// Logger gets one line per follow-up opened and closed; nil
	// discards.
	Logger *slog.Logger

	// Registerer gets the metrics; nil leaves them unregistered.
	Registerer prometheus.Registerer

	// Now is the clock the limits are measured with; nil is time.Now.
	Now func() time.Time

	// OnClose, when set, hears how each follow-up ended, after its last
	// line was handed over and before its record is deleted: a crash in
	// between tells it again after the restart, never not at all. The
	// loop calls it, so it must return soon; it is where pull request
	// gating turns a build's end into a commit status.
	OnClose func(ctx context.Context, c Closed)
}

// Engine follows builds and reports on them. Follow may be called from
// any goroutine; Run is the one loop that reads Jenkins and sends lines.
type Engine struct {
	cfg     Config
	jenkins Jenkins
	store   Store
	log     *slog.Logger
	metrics *metrics
	now     func() time.Time
	onClose func(ctx context.Context, c Closed)

	mu   sync.Mutex
	open map[int64]*entry

	// Only the loop uses these.
	newest map[string]int64 // the newest build number seen of each job
	pace   pacer
}

// entry is an open follow-up in memory.
type entry struct {
	rec Record

	// failingSince is when the reads this follow-up depends on started
	// failing, zero while they work.
	failingSince time.Time
}

var _ commands.Followups = (*Engine)(nil)

// New returns an engine following nothing yet. It fills the config's
// defaults and validates it.
func New(opts Options) (*Engine, error) {
	cfg := opts.Config
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("followup config: %w", err)
	}
	if opts.Jenkins == nil || opts.Store == nil {
		return nil, errors.New("followup: Jenkins and Store are required")
	}

	e := &Engine{cfg: cfg, jenkins: opts.Jenkins, store: opts.Store, log: opts.Logger, now: opts.Now,
		onClose: opts.OnClose, metrics: newMetrics(opts.Registerer), open: map[int64]*entry{},
		newest: map[string]int64{}}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.pace.gap = time.Second / time.Duration(cfg.MaxRequestsPerSecond)
	e.metrics.setOpen(0, 0)
	return e, nil
}

// Follow stores a follow-up of f's queue item and returns once it is
// stored; the running loop then reports on it. A queue item already
// followed stays with whoever asked first, without error.
func (e *Engine) Follow(ctx context.Context, f commands.Followup) error {
	r := recordOf(f, e.now())
	if err := r.check(); err != nil {
		return fmt.Errorf("follow %s queue item %d: %w", f.Job, f.QueueID, err)
	}

	err := e.store.CompareAndSwap(ctx, Key(r.QueueID), nil, r.encode())
	if errors.Is(err, store.ErrConflict) {
		e.log.Debug("build already followed", keyJob, r.Job, keyQueueID, r.QueueID, keyWho, r.Who)
		return nil
	}
	if err != nil {
		return fmt.Errorf("store follow-up of %s queue item %d: %w", r.Job, r.QueueID, err)
	}

	e.add(r)
	e.metrics.triggered.WithLabelValues(r.Job).Inc()
	e.log.Info("following build", keyJob, r.Job, keyQueueID, r.QueueID, keyPR, r.PR,
		keyWho, r.Who, keyTarget, r.Target)
	return nil
}

// Resume loads the stored follow-ups that the engine does not have yet,
// as after a restart, and returns how many it loaded. The loop reports on
// them from its next round.
func (e *Engine) Resume(ctx context.Context) (int, error) {
	recs, err := e.load(ctx)
	if err != nil {
		return 0, fmt.Errorf("resume follow-ups: %w", err)
	}

	n := 0
	for _, r := range recs {
		if e.add(r) {
			n++
		}
	}
	if n > 0 {
		e.log.Info("follow-ups resumed", keyCount, n)
	}
	return n, nil
}

// add puts r among the open follow-ups unless its queue item is there
// already, and reports whether it did.
func (e *Engine) add(r Record) bool {
	e.mu.Lock()
	defer e.mu.Unlock()

	if _, ok := e.open[r.QueueID]; ok {
		return false
	}
	e.open[r.QueueID] = &entry{rec: r}
	e.countOpen()
	return true
}

// Open returns the open follow-ups, by queue id.
func (e *Engine) Open() []Record {
	e.mu.Lock()
	defer e.mu.Unlock()

	recs := make([]Record, 0, len(e.open))
	for _, id := range slices.Sorted(maps.Keys(e.open)) {
		recs = append(recs, e.open[id].rec)
	}
	return recs
}

// countOpen sets the open gauges; e.mu is held.
func (e *Engine) countOpen() {
	queued := 0
	for _, ent := range e.open {
		if ent.rec.State == StateQueued {
			queued++
		}
	}
	e.metrics.setOpen(queued, len(e.open)-queued)
}

// Run resumes the stored follow-ups, then follows every open one until
// ctx ends, sending lines through out. It takes the replier here, not in
// New, because the chat side is made after the commands that call
// Follow. It returns nil when ctx ends.
func (e *Engine) Run(ctx context.Context, out commands.Replier) error {
	resumed := false
	wait := e.cfg.PollInterval.D()
	for {
		if !resumed {
			_, err := e.Resume(ctx)
			resumed = err == nil
			if err != nil && ctx.Err() == nil {
				e.log.Error("follow-ups not resumed; retrying", keyError, err)
			}
		}

		healthy := e.Poll(ctx, out)
		wait = e.nextWait(wait, healthy)
		if err := sleep(ctx, wait); err != nil {
			return nil
		}
	}
}

// nextWait returns the wait before the next round: the poll interval
// after a round that read Jenkins well, twice the last wait, up to the
// maximum, after one that failed.
func (e *Engine) nextWait(last time.Duration, healthy bool) time.Duration {
	if healthy {
		return e.cfg.PollInterval.D()
	}
	next := min(2*last, e.cfg.PollMaxInterval.D())
	e.log.Warn("jenkins failing; following builds less often", keyWait, next)
	return next
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()

	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pacer spaces the loop's reads of Jenkins at least gap apart. Only the
// loop uses it.
type pacer struct {
	gap  time.Duration
	next time.Time
}

// wait returns when the next read may go, or ctx's error.
func (p *pacer) wait(ctx context.Context) error {
	now := time.Now()
	if d := p.next.Sub(now); d > 0 {
		if err := sleep(ctx, d); err != nil {
			return err
		}
		now = p.next
	}
	p.next = now.Add(p.gap)
	return nil
}
