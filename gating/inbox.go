package gating

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

// prefixInbox is the store prefix of the deliveries gating has yet to
// act on; a key is the prefix and the delivery id.
const prefixInbox = "gating/inbox/"

// Inbox is the webhook receiver's DeliveryLog when gating is on. It
// passes every delivery to the log it wraps, which recognises
// redeliveries, and keeps besides, in the same store, each delivery that
// triggers an action with its body until the gate has acted on it. The
// receiver writes such a delivery before it answers GitHub, so a crash
// at any point after the answer leaves the delivery in the inbox, and
// the gate's Run takes it up again.
type Inbox struct {
	log   github.DeliveryLog
	store Store
}

var _ github.DeliveryLog = (*Inbox)(nil)

// inboxEntry is a delivery in the inbox.
type inboxEntry struct {
	Event    string    `json:"event"`
	Received time.Time `json:"received"`
	Body     []byte    `json:"body"`

	// Attempts counts the failed tries to act on it; LastTry is when
	// the last one ended.
	Attempts int       `json:"attempts,omitempty"`
	LastTry  time.Time `json:"last_try,omitzero"`
}

// NewInbox returns an inbox in st in front of log.
func NewInbox(log github.DeliveryLog, st Store) *Inbox {
	return &Inbox{log: log, store: st}
}

// Seen reports whether the wrapped log has id; see github.DeliveryLog.
func (in *Inbox) Seen(ctx context.Context, id string) (bool, error) {
	return in.log.Seen(ctx, id)
}

// Prune prunes the wrapped log; see github.DeliveryLog. The inbox is
// emptied by the gate, not by age.
func (in *Inbox) Prune(ctx context.Context, cutoff time.Time) (int, error) {
	return in.log.Prune(ctx, cutoff)
}

// Record puts the deliveries that have a body in the inbox, then records
// every delivery in the wrapped log, without the bodies, which the inbox
// holds. When the log fails the inbox entries are taken back, so that a
// delivery answered 503 is not acted on; a crash between the two writes
// leaves an entry whose redelivery the gate would act on twice, which
// its checks of heads and queued builds make harmless.
func (in *Inbox) Record(ctx context.Context, ds []github.Delivery) error {
	var ops []store.Op
	slim := make([]github.Delivery, len(ds))
	for i, d := range ds {
		slim[i] = d
		if d.Body == nil {
			continue
		}
		value, err := json.Marshal(inboxEntry{Event: d.Event, Received: d.Received.UTC(), Body: d.Body})
		if err != nil {
			return fmt.Errorf("encode inbox entry %s: %w", d.ID, err)
		}
		ops = append(ops, store.Op{Key: prefixInbox + d.ID, Value: value})
		slim[i].Body = nil
	}

	if err := in.store.Batch(ctx, ops); err != nil {
		return fmt.Errorf("put %d deliveries in the gating inbox: %w", len(ops), err)
	}
	if err := in.log.Record(ctx, slim); err != nil {
		in.takeBack(context.WithoutCancel(ctx), ops)
		return err
	}
	return nil
}

// takeBack deletes inbox entries whose deliveries were not recorded.
func (in *Inbox) takeBack(ctx context.Context, ops []store.Op) {
	for i := range ops {
		ops[i] = store.Op{Key: ops[i].Key, Delete: true}
	}
	_ = in.store.Batch(ctx, ops)
}

// Done takes delivery id out of the inbox.
func (in *Inbox) Done(ctx context.Context, id string) error {
	if err := in.store.Delete(ctx, prefixInbox+id); err != nil {
		return fmt.Errorf("take delivery %s out of the inbox: %w", id, err)
	}
	return nil
}

// failed notes a failed try at delivery id at now.
func (in *Inbox) failed(ctx context.Context, id string, now time.Time) error {
	key := prefixInbox + id
	raw, err := in.store.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read inbox entry %s: %w", id, err)
	}

	var e inboxEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("decode inbox entry %s: %w", id, err)
	}
	e.Attempts++
	e.LastTry = now.UTC()
	value, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode inbox entry %s: %w", id, err)
	}
	if err := in.store.CompareAndSwap(ctx, key, raw, value); err != nil && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("note failure of delivery %s: %w", id, err)
	}
	return nil
}

// pending returns the deliveries in the inbox, by id.
func (in *Inbox) pending(ctx context.Context) (map[string]inboxEntry, error) {
	entries, err := in.store.List(ctx, prefixInbox)
	if err != nil {
		return nil, fmt.Errorf("list the gating inbox: %w", err)
	}

	out := make(map[string]inboxEntry, len(entries))
	for _, ent := range entries {
		var e inboxEntry
		if err := json.Unmarshal(ent.Value, &e); err != nil {
			e = inboxEntry{}
		}
		out[strings.TrimPrefix(ent.Key, prefixInbox)] = e
	}
	return out, nil
}
