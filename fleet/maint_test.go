package fleet

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gordonbot/gordon/store"
)

var since = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func TestMaintBook(t *testing.T) {
	kv := store.NewMemory()
	book := NewMaintBook(kv)
	ctx := context.Background()

	recs := []MaintRecord{
		{Node: "dm-1", On: true, Who: "alice", Reason: "disk swap", Since: since},
		{Node: "dm-2", On: true, Who: "alice", Since: since},
	}
	if err := book.Record(ctx, recs); err != nil {
		t.Fatalf("Record: %v", err)
	}
	off := MaintRecord{Node: "dm-2", Who: "bob", Since: since.Add(time.Hour)}
	if err := book.Record(ctx, []MaintRecord{off}); err != nil {
		t.Fatalf("Record off: %v", err)
	}

	got, err := book.MaintRecords(ctx)
	if err != nil {
		t.Fatalf("MaintRecords: %v", err)
	}
	if len(got) != 2 || got["dm-1"] != recs[0] || got["dm-2"] != off {
		t.Fatalf("records = %+v, want dm-1 on and dm-2 off", got)
	}
	if _, err := kv.Get(ctx, "maint/dm-1"); err != nil {
		t.Fatalf("the record of dm-1 is not under maint/dm-1: %v", err)
	}
}

func TestMaintBookAllOrNothing(t *testing.T) {
	kv := store.NewMemory()
	book := NewMaintBook(kv)
	ctx := context.Background()

	recs := []MaintRecord{{Node: "dm-1", On: true, Who: "alice"}, {Node: "bad\x00name", On: true, Who: "alice"}}
	if err := book.Record(ctx, recs); !errors.Is(err, store.ErrBadKey) {
		t.Fatalf("Record with a bad node name = %v, want ErrBadKey", err)
	}
	if got, _ := book.MaintRecords(ctx); len(got) != 0 {
		t.Fatalf("records after a failed Record = %+v, want none", got)
	}
}

func TestMaintBookCorrupt(t *testing.T) {
	kv := store.NewMemory()
	if err := kv.Put(context.Background(), "maint/dm-1", []byte("{")); err != nil {
		t.Fatal(err)
	}

	_, err := NewMaintBook(kv).MaintRecords(context.Background())
	if err == nil {
		t.Fatal("a record that cannot be read must be an error, not a node out of maintenance")
	}
}

func TestAgentNote(t *testing.T) {
	tests := []struct {
		reason string
		want   string
	}{
		{"disk swap", "disk swap (alice via gordon)"},
		{"", "set by alice via gordon"},
		{"  ", "set by alice via gordon"},
	}
	for _, tt := range tests {
		if got := (MaintRecord{Who: "alice", Reason: tt.reason}).AgentNote(); got != tt.want {
			t.Errorf("AgentNote(%q) = %q, want %q", tt.reason, got, tt.want)
		}
	}
}

// fakeMaint serves fixed records.
type fakeMaint struct {
	recs map[string]MaintRecord
	err  error
}

func (f fakeMaint) MaintRecords(ctx context.Context) (map[string]MaintRecord, error) {
	return f.recs, f.err
}

func TestInventoryWithMaint(t *testing.T) {
	records := fakeMaint{recs: map[string]MaintRecord{
		// The agent of dm-3 was not reached: gordon's record only.
		"dm-3": {Node: "dm-3", On: true, Who: "alice", Reason: "reimage\ntoken=abc", Since: since},
		// Both agree on dm-5.
		"dm-5": {Node: "dm-5", On: true, Who: "bob", Reason: "upgrade", Since: since},
		// Taken out in gordon: an old record does not keep dm-4 in.
		"dm-4": {Node: "dm-4", Who: "bob", Since: since},
		// A node that left the catalog is not listed.
		"gone": {Node: "gone", On: true, Who: "bob", Since: since},
	}}
	inv := NewInventory(smallFleet(), nil, DefaultMetaKeys()).WithMaint(records)

	l, err := inv.List(context.Background(), Query{State: StateMaint})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if want := (Counts{Unhealthy: 2, Warning: 1, Maint: 2, Healthy: 1}); l.Counts != want {
		t.Fatalf("counts = %+v, want %+v", l.Counts, want)
	}
	if got := viewNames(l.Nodes); len(got) != 2 || got[0] != "dm-3" || got[1] != "dm-5" {
		t.Fatalf("maint nodes = %v, want dm-3 and dm-5", got)
	}
	dm3 := l.Nodes[0]
	if dm3.Maintenance || dm3.Record == nil || dm3.Record.Reason != "reimage token=[redacted]" {
		t.Fatalf("dm-3 = %+v, want gordon's record only, its reason redacted on one line", dm3)
	}
	if dm5 := l.Nodes[1]; !dm5.Maintenance || dm5.Record == nil || dm5.Record.Who != "bob" {
		t.Fatalf("dm-5 = %+v, want in maintenance by its agent and gordon's record", dm5)
	}

	d, err := inv.Node(context.Background(), "dm-3")
	if err != nil || d.Health != Maint || d.Maintenance || d.Record == nil || !d.Record.Since.Equal(since) {
		t.Fatalf("Node(dm-3) = %+v, %v; want in maintenance by gordon's record only", d, err)
	}
	if records.recs["dm-3"].Reason != "reimage\ntoken=abc" {
		t.Fatal("the view changed the source's record")
	}
}

func TestInventoryWithMaintFails(t *testing.T) {
	broken := errors.New("store: closed")
	inv := NewInventory(smallFleet(), nil, DefaultMetaKeys()).WithMaint(fakeMaint{err: broken})

	if _, err := inv.List(context.Background(), Query{}); !errors.Is(err, broken) {
		t.Fatalf("List = %v, want the store's error", err)
	}
	if _, err := inv.Node(context.Background(), "dm-3"); !errors.Is(err, broken) {
		t.Fatalf("Node = %v, want the store's error", err)
	}
}
