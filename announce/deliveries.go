package announce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/store"
)

// Where deliveries live in the store: a small record per delivery ID,
// and the body of a delivery that triggers an action under its own key,
// so that pruning lists only the small records.
const (
	deliveryPrefix = "github/deliveries/"
	bodyPrefix     = "github/delivery-bodies/"
)

// pruneBatch bounds the deletions written in one store transaction.
const pruneBatch = 1000

// Deliveries keeps webhook delivery IDs in gordon's store; it is the
// receiver's DeliveryLog.
type Deliveries struct {
	store store.Store
}

var _ github.DeliveryLog = (*Deliveries)(nil)

// NewDeliveries returns a delivery log in s.
func NewDeliveries(s store.Store) *Deliveries {
	return &Deliveries{store: s}
}

// deliveryRecord is the stored value of a delivery ID.
type deliveryRecord struct {
	Event    string    `json:"event"`
	Received time.Time `json:"received"`
	HasBody  bool      `json:"has_body,omitempty"`
}

// Seen reports whether id is recorded; see github.DeliveryLog.
func (d *Deliveries) Seen(ctx context.Context, id string) (bool, error) {
	_, err := d.store.Get(ctx, deliveryPrefix+id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("look up delivery %s: %w", id, err)
	}
	return true, nil
}

// Record writes ds in one store batch; see github.DeliveryLog.
func (d *Deliveries) Record(ctx context.Context, ds []github.Delivery) error {
	ops := make([]store.Op, 0, len(ds))
	for _, del := range ds {
		rec := deliveryRecord{Event: del.Event, Received: del.Received.UTC(),
			HasBody: del.Body != nil}
		value, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("encode delivery %s: %w", del.ID, err)
		}
		ops = append(ops, store.Op{Key: deliveryPrefix + del.ID, Value: value})
		if del.Body != nil {
			ops = append(ops, store.Op{Key: bodyPrefix + del.ID, Value: del.Body})
		}
	}

	if err := d.store.Batch(ctx, ops); err != nil {
		return fmt.Errorf("record %d deliveries: %w", len(ds), err)
	}
	return nil
}

// Body returns the stored body of a delivery that triggered an action,
// or an error wrapping store.ErrNotFound.
func (d *Deliveries) Body(ctx context.Context, id string) ([]byte, error) {
	body, err := d.store.Get(ctx, bodyPrefix+id)
	if err != nil {
		return nil, fmt.Errorf("delivery %s body: %w", id, err)
	}
	return body, nil
}

// Prune deletes the deliveries received before cutoff, with their bodies;
// see github.DeliveryLog. A record it cannot read is deleted too, since
// nothing could tell its age.
//
// TODO: Prune lists every record to find the old ones; with far more
// than a few hundred thousand deliveries a week it should keep an index
// by time instead.
func (d *Deliveries) Prune(ctx context.Context, cutoff time.Time) (int, error) {
	entries, err := d.store.List(ctx, deliveryPrefix)
	if err != nil {
		return 0, fmt.Errorf("list deliveries: %w", err)
	}

	var ops []store.Op
	removed := 0
	for _, e := range entries {
		if !expired(e.Value, cutoff) {
			continue
		}
		id := strings.TrimPrefix(e.Key, deliveryPrefix)
		ops = append(ops, store.Op{Key: e.Key, Delete: true},
			store.Op{Key: bodyPrefix + id, Delete: true})
		if len(ops) < pruneBatch {
			continue
		}
		if err := d.deleteAll(ctx, ops); err != nil {
			return removed, err
		}
		removed += len(ops) / 2
		ops = ops[:0]
	}

	if err := d.deleteAll(ctx, ops); err != nil {
		return removed, err
	}
	return removed + len(ops)/2, nil
}

// expired reports whether a stored record is older than cutoff, or
// unreadable.
func expired(value []byte, cutoff time.Time) bool {
	var rec deliveryRecord
	if err := json.Unmarshal(value, &rec); err != nil {
		return true
	}
	return rec.Received.Before(cutoff)
}

func (d *Deliveries) deleteAll(ctx context.Context, ops []store.Op) error {
	if err := d.store.Batch(ctx, ops); err != nil {
		return fmt.Errorf("prune deliveries: %w", err)
	}
	return nil
}
