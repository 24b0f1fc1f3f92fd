package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Batching of delivery IDs: the log is written when this many are
// waiting, or every flushInterval, whichever comes first.
const (
	flushBatch    = 256
	flushInterval = 100 * time.Millisecond
	pruneInterval = time.Hour

	// maxPending bounds the IDs kept in memory while the log cannot be
	// written; beyond it deliveries are refused with 503 until it can.
	maxPending = 64 * 1024
)

// Errors of the recorder, matched with errors.Is.
var (
	// ErrDuplicate means the delivery ID was taken before.
	ErrDuplicate = errors.New("delivery already taken")

	// ErrBacklog means too many delivery IDs wait to be written.
	ErrBacklog = errors.New("too many delivery ids waiting to be recorded")
)

// Delivery is what a DeliveryLog keeps of a delivery.
type Delivery struct {
	// ID is the X-GitHub-Delivery GUID.
	ID string

	// Event is the X-GitHub-Event type.
	Event string

	// Received is when it arrived; Prune compares it.
	Received time.Time

	// Body is the raw body, kept only for a delivery that triggers an
	// action, so that the action survives a crash; nil otherwise.
	Body []byte
}

// DeliveryLog keeps delivery IDs durably, so that a redelivery is
// recognised after a restart. Its methods return an error only when the
// log cannot be read or written, and are safe for concurrent use.
type DeliveryLog interface {
	// Seen reports whether a delivery with id is recorded.
	Seen(ctx context.Context, id string) (bool, error)

	// Record writes ds durably before it returns, all of them or, with
	// an error, none.
	Record(ctx context.Context, ds []Delivery) error

	// Prune removes the deliveries received before cutoff and returns
	// how many it removed.
	Prune(ctx context.Context, cutoff time.Time) (int, error)
}

// recorder dedupes delivery IDs in front of a DeliveryLog. An ID is
// claimed while its delivery is being accepted, then either released
// (the delivery was refused) or committed, and committed IDs are written
// in batches. Claimed and committed IDs stay in memory until written, so
// a redelivery is recognised at every step.
type recorder struct {
	log     DeliveryLog
	logger  *slog.Logger
	metrics *metrics

	mu      sync.Mutex
	held    map[string]bool // claimed (false) or committed (true), not yet written
	pending []Delivery      // committed, in order, not yet written

	flushing sync.Mutex // one write at a time
	kick     chan struct{}
}

func newRecorder(log DeliveryLog, logger *slog.Logger, m *metrics) *recorder {
	return &recorder{
		log:     log,
		logger:  logger,
		metrics: m,
		held:    map[string]bool{},
		kick:    make(chan struct{}, 1),
	}
}

// claim reserves id for a delivery being accepted. It returns an error
// wrapping ErrDuplicate when id was taken before, ErrBacklog when too
// many IDs wait for the log, or the log's error.
func (rc *recorder) claim(ctx context.Context, id string) error {
	rc.mu.Lock()
	_, held := rc.held[id]
	full := len(rc.held) >= maxPending
	if !held && !full {
		rc.held[id] = false
	}
	rc.mu.Unlock()

	switch {
	case held:
		return fmt.Errorf("delivery %s: %w", id, ErrDuplicate)
	case full:
		return ErrBacklog
	}

	seen, err := rc.log.Seen(ctx, id)
	if err != nil || seen {
		rc.release(id)
	}
	if err != nil {
		return fmt.Errorf("look up delivery %s: %w", id, err)
	}
	if seen {
		return fmt.Errorf("delivery %s: %w", id, ErrDuplicate)
	}
	return nil
}

// release gives up a claim, so that a redelivery is taken.
func (rc *recorder) release(id string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()

	if !rc.held[id] {
		delete(rc.held, id)
	}
}

// commit marks a claimed delivery as taken; it is written with the next
// batch.
func (rc *recorder) commit(d Delivery) {
	rc.mu.Lock()
	rc.held[d.ID] = true
	rc.pending = append(rc.pending, d)
	n := len(rc.pending)
	rc.mu.Unlock()

	if n >= flushBatch {
		select {
		case rc.kick <- struct{}{}:
		default:
		}
	}
}

// recordNow writes a claimed delivery at once, for one that triggers an
// action. On error the claim is released.
func (rc *recorder) recordNow(ctx context.Context, d Delivery) error {
	err := rc.log.Record(ctx, []Delivery{d})

	rc.mu.Lock()
	delete(rc.held, d.ID)
	rc.mu.Unlock()

	if err != nil {
		return fmt.Errorf("record delivery %s: %w", d.ID, err)
	}
	return nil
}

// flush writes the committed deliveries. On error they stay in memory and
// the next flush tries again.
func (rc *recorder) flush(ctx context.Context) error {
	rc.flushing.Lock()
	defer rc.flushing.Unlock()

	rc.mu.Lock()
	batch := rc.pending
	rc.pending = nil
	rc.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}

	err := rc.log.Record(ctx, batch)
	rc.settle(batch, err)
	if err != nil {
		rc.metrics.recordErrors.Inc()
		return fmt.Errorf("record %d deliveries: %w", len(batch), err)
	}
	rc.metrics.recorded.Add(float64(len(batch)))
	return nil
}

// settle forgets a written batch, or puts a failed one back in front of
// what was committed meanwhile.
func (rc *recorder) settle(batch []Delivery, err error) {
	rc.mu.Lock()
	defer rc.mu.Unlock()

	if err != nil {
		rc.pending = append(batch, rc.pending...)
		return
	}
	for _, d := range batch {
		delete(rc.held, d.ID)
	}
}

// run flushes every flushInterval, or sooner when a batch is full, and
// prunes every pruneInterval, until ctx ends; then it flushes once more.
func (rc *recorder) run(ctx context.Context, retention time.Duration, now func() time.Time) {
	flush := time.NewTicker(flushInterval)
	defer flush.Stop()
	prune := time.NewTicker(pruneInterval)
	defer prune.Stop()

	rc.prune(ctx, now().Add(-retention))
	for {
		select {
		case <-ctx.Done():
			rc.finalFlush(ctx)
			return
		case <-flush.C:
			rc.flushLogged(ctx)
		case <-rc.kick:
			rc.flushLogged(ctx)
		case <-prune.C:
			rc.prune(ctx, now().Add(-retention))
		}
	}
}

// finalFlush writes what is left after ctx ended, bounded in time.
func (rc *recorder) finalFlush(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()

	rc.flushLogged(ctx)
}

func (rc *recorder) flushLogged(ctx context.Context) {
	if err := rc.flush(ctx); err != nil {
		rc.logger.Warn("recording github deliveries failed, will retry", keyError, err)
	}
}

// prune drops the deliveries received before cutoff from the log.
func (rc *recorder) prune(ctx context.Context, cutoff time.Time) {
	n, err := rc.log.Prune(ctx, cutoff)
	if err != nil {
		rc.logger.Warn("pruning github deliveries failed", keyError, err)
		return
	}
	if n > 0 {
		rc.logger.Info("pruned github deliveries", keyCount, n)
	}
}
