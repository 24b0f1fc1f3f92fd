package announce

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/store"
)

func TestDeliveries(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2015, 6, 22, 12, 0, 0, 0, time.UTC)
	log := NewDeliveries(store.NewMemory())

	err := log.Record(ctx, []github.Delivery{
		{ID: "old", Event: "push", Received: now.Add(-8 * 24 * time.Hour)},
		{ID: "old-action", Event: "pull_request", Received: now.Add(-9 * 24 * time.Hour), Body: []byte(`{"number":1}`)},
		{ID: "new", Event: "push", Received: now.Add(-time.Hour)},
		{ID: "new-action", Event: "pull_request", Received: now, Body: []byte(`{"number":2}`)},
	})
	if err != nil {
		t.Fatal(err)
	}

	for id, want := range map[string]bool{"old": true, "new": true, "never": false} {
		if seen, err := log.Seen(ctx, id); err != nil || seen != want {
			t.Errorf("seen %s = %v, %v", id, seen, err)
		}
	}
	if body, err := log.Body(ctx, "new-action"); err != nil || string(body) != `{"number":2}` {
		t.Errorf("body %q, %v", body, err)
	}

	n, err := log.Prune(ctx, now.Add(-7*24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	if seen, _ := log.Seen(ctx, "old"); seen {
		t.Error("old delivery kept")
	}
	if _, err := log.Body(ctx, "old-action"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old body: %v, want it gone", err)
	}
	if seen, _ := log.Seen(ctx, "new-action"); !seen {
		t.Error("recent delivery pruned")
	}
}

func TestDeliveriesPruneManyInBatches(t *testing.T) {
	ctx := context.Background()
	log := NewDeliveries(store.NewMemory())
	old := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

	var ds []github.Delivery
	for i := range 2*pruneBatch + 7 {
		ds = append(ds, github.Delivery{ID: "d" + strconv.Itoa(i), Event: "push", Received: old})
	}
	if err := log.Record(ctx, ds); err != nil {
		t.Fatal(err)
	}

	n, err := log.Prune(ctx, old.Add(time.Second))
	if err != nil || n != len(ds) {
		t.Fatalf("pruned %d, %v; want %d", n, err, len(ds))
	}
}

func TestDeliveriesInBolt(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gordon.db")
	db, err := store.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := NewDeliveries(db).Record(ctx, []github.Delivery{{ID: "d-kept", Event: "push", Received: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// A restart: the ID is still known.
	db, err = store.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if seen, err := NewDeliveries(db).Seen(ctx, "d-kept"); err != nil || !seen {
		t.Fatalf("after reopening: seen %v, %v", seen, err)
	}
}

func TestDeliveriesReportStoreErrors(t *testing.T) {
	db := store.NewMemory()
	db.Close()
	log := NewDeliveries(db)
	ctx := context.Background()

	if _, err := log.Seen(ctx, "x"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("seen: %v", err)
	}
	if err := log.Record(ctx, []github.Delivery{{ID: "x"}}); !errors.Is(err, store.ErrClosed) {
		t.Errorf("record: %v", err)
	}
	if _, err := log.Prune(ctx, time.Now()); !errors.Is(err, store.ErrClosed) {
		t.Errorf("prune: %v", err)
	}
}
