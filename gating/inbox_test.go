package gating

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/store"
)

// failingLog is a DeliveryLog whose Record fails with err.
type failingLog struct {
	err      error
	recorded []github.Delivery
}

func (l *failingLog) Seen(ctx context.Context, id string) (bool, error) { return false, nil }

func (l *failingLog) Record(ctx context.Context, ds []github.Delivery) error {
	if l.err != nil {
		return l.err
	}
	l.recorded = append(l.recorded, ds...)
	return nil
}

func (l *failingLog) Prune(ctx context.Context, cutoff time.Time) (int, error) { return 0, nil }

func TestInboxRecord(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2015, 6, 22, 9, 30, 0, 0, time.UTC)
	ds := []github.Delivery{
		{ID: "acts", Event: "pull_request", Received: at, Body: []byte(`{"action":"opened"}`)},
		{ID: "quiet", Event: "push", Received: at},
	}

	t.Run("kept until done", func(t *testing.T) {
		log, st := &failingLog{}, store.NewMemory()
		in := NewInbox(log, st)
		if err := in.Record(ctx, ds); err != nil {
			t.Fatal(err)
		}
		if len(log.recorded) != 2 || log.recorded[0].Body != nil {
			t.Fatalf("the wrapped log got %+v, want both without bodies", log.recorded)
		}
		pending, _ := in.pending(ctx)
		if e, ok := pending["acts"]; !ok || len(pending) != 1 || string(e.Body) != `{"action":"opened"}` {
			t.Fatalf("inbox %+v", pending)
		}

		if err := in.failed(ctx, "acts", at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		pending, _ = in.pending(ctx)
		same(t, "attempts", pending["acts"].Attempts, 1)

		if err := in.Done(ctx, "acts"); err != nil {
			t.Fatal(err)
		}
		pending, _ = in.pending(ctx)
		same(t, "after done", len(pending), 0)
	})

	t.Run("taken back when the log fails", func(t *testing.T) {
		st := store.NewMemory()
		in := NewInbox(&failingLog{err: errors.New("disk full")}, st)
		if err := in.Record(ctx, ds); err == nil {
			t.Fatal("Record succeeded")
		}
		pending, _ := in.pending(ctx)
		same(t, "inbox", len(pending), 0)
	})
}

func TestReplayGivesUp(t *testing.T) {
	r := newRig(t, 2, signed(headA, 3))
	ctx := context.Background()
	at := r.clock.Now().Add(-25 * time.Hour)
	if err := r.inbox.Record(ctx, []github.Delivery{
		{ID: "old", Event: "pull_request", Received: at, Body: prBody(t, actionOpened, headA, 3)},
		{ID: "garbage", Event: "pull_request", Received: r.clock.Now().Add(-time.Hour), Body: []byte("{nope")},
	}); err != nil {
		t.Fatal(err)
	}

	r.gate.Replay(ctx)
	r.inboxEmpty(t)
	same(t, "calls", len(r.api.Requests()), 0)
}
