package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
)

// maintEvery is how often gordon's maintenance records are read again.
// The maint command writes them before it turns to the node's agents, and
// a check is due no sooner than its debounce after it fails, so a few
// seconds suffice; a bbolt read of a few keys costs microseconds.
const maintEvery = 2 * time.Second

// Load reads what the engine keeps outside memory: what it announced
// before a restart, the silences in force and gordon's maintenance
// records; then it takes in the snapshot that waited for it, if any. Run
// calls it first; a caller ticking the engine itself calls it once before
// Observe. Whatever could not be read is taken as empty, so that alerts
// go on (a new baseline, no silence, no record); the error joins the
// sources' errors.
func (e *Engine) Load(ctx context.Context) error {
	var errs []error
	saved, err := e.loadState(ctx)
	if err != nil {
		errs = append(errs, err)
	}
	if e.silences != nil {
		if err := e.silences.Load(ctx); err != nil {
			errs = append(errs, fmt.Errorf("load silences: %w", err))
		}
	}
	recs, err := e.readRecords(ctx)
	if err != nil {
		errs = append(errs, err)
	}

	now := e.now()
	e.mu.Lock()
	e.tracker.saved = saved
	e.quiet.setRecords(recs)
	e.requiet = true
	e.loaded = true
	if e.holding {
		e.observeLocked(e.held, now)
		e.held, e.holding = consul.Snapshot{}, false
	}
	e.mu.Unlock()

	signal(e.wake)
	return errors.Join(errs...)
}

// readRecords reads gordon's maintenance records; none without a source.
func (e *Engine) readRecords(ctx context.Context) (map[string]fleet.MaintRecord, error) {
	if e.records == nil {
		return nil, nil
	}
	recs, err := e.records.MaintRecords(ctx)
	if err != nil {
		return nil, fmt.Errorf("load maintenance records: %w", err)
	}
	return recs, nil
}

// RefreshMaint reads gordon's maintenance records again and, when the
// nodes they hold in maintenance changed, takes the catalog in again. On
// error the engine keeps the records it had.
func (e *Engine) RefreshMaint(ctx context.Context) error {
	if e.records == nil {
		return nil
	}
	recs, err := e.readRecords(ctx)
	if err != nil {
		return err
	}

	e.mu.Lock()
	changed := e.quiet.setRecords(recs)
	e.requiet = e.requiet || changed
	e.mu.Unlock()

	if changed {
		signal(e.wake)
	}
	return nil
}

// maintLoop reads gordon's maintenance records every maintEvery until
// ctx ends.
func (e *Engine) maintLoop(ctx context.Context) {
	if e.records == nil {
		return
	}

	ticker := time.NewTicker(maintEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		if err := e.RefreshMaint(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("maintenance records not read", keyError, err, keyRetryIn, maintEvery)
		}
	}
}
