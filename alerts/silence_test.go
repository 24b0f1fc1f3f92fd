package alerts

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/store"
)

// silenced returns a harness over the test fleet whose engine reads the
// silences of a book on the harness's clock, and the book.
func silenced(t *testing.T, cfg Config) (*harness, *SilenceBook) {
	t.Helper()
	w, meta := testFleet()
	book := NewSilenceBook(store.NewMemory())
	h := newHarnessOpts(t, Options{Config: cfg, Silences: book}, w, meta)
	book.now = h.clk.Now
	h.baseline()
	return h, book
}

// silence adds a silence of the nodes (none: every node) and check glob,
// from the harness's now for d.
func (h *harness) silence(book *SilenceBook, nodes []string, check string, d time.Duration) commands.Silence {
	h.t.Helper()
	now := h.clk.Now()
	s, err := book.AddSilence(context.Background(), commands.Silence{Nodes: nodes, Check: check, Who: "alice",
		Start: now, Until: now.Add(d)})
	if err != nil {
		h.t.Fatalf("AddSilence: %v", err)
	}
	return s
}

func TestSilenceMutesThenSaysWhatStillFails(t *testing.T) {
	h, book := silenced(t, quick())
	w := h.w

	// dm-1 fails, and people are told, before the silence.
	w.set("dm-1", docker, consul.StatusCritical, "")
	h.observe()
	h.wait(time.Second)

	h.silence(book, []string{"dm-1", "dm-2", "dm-3"}, "docker*", 10*time.Minute)
	expectLines(t, h.tick(), nil)

	// Only what the silence does not cover is announced.
	w.set("dm-2", docker, consul.StatusCritical, "")
	w.set("dm-3", docker, consul.StatusCritical, "")
	w.set("dm-3", disk, consul.StatusCritical, "")
	w.set("dm-4", docker, consul.StatusCritical, "")
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {
		"dm-3 critical on disk",
		"dm-4 critical on docker-daemon",
	}})
	w.set("dm-3", docker, consul.StatusPassing, "")
	h.observe()
	expectLines(t, h.wait(5*time.Minute), nil)
	if got := h.metric(h.eng.metrics.suppressed.WithLabelValues(reasonSilence)); got != 3 {
		t.Errorf("changes suppressed by the silence = %v, want 3", got)
	}

	// When it ends, one line names the checks still failing, those people
	// knew of included; dm-3 passes as they were told.
	expectLines(t, h.wait(5*time.Minute), map[string][]string{"#fleet": {
		"silence 1 ended: 2 nodes still critical on docker-daemon: dm-1, dm-2",
	}})
	expectLines(t, h.wait(time.Hour), nil)
}

func TestUnsilenceSaysAtOnceAndRecoveries(t *testing.T) {
	h, book := silenced(t, quick())
	w := h.w

	w.set("ov-1", docker, consul.StatusCritical, "")
	h.observe()
	h.wait(time.Second)
	s := h.silence(book, []string{"ov-1", "ov-2"}, "", 2*time.Hour)
	h.tick()

	// ov-1 recovers and ov-2 fails, both silently.
	h.clk.advance(20 * time.Minute)
	w.set("ov-1", docker, consul.StatusPassing, "")
	w.set("ov-2", disk, consul.StatusWarning, "91% used")
	h.observe()
	expectLines(t, h.wait(time.Minute), nil)

	if _, err := book.EndSilence(context.Background(), s.ID); err != nil {
		t.Fatal(err)
	}
	expectLines(t, h.wait(2*time.Second), map[string][]string{"#fleet": {
		"silence 1 ended: ov-2 still warning on disk: 91% used",
		"ov-1 recovered on docker-daemon after 20m",
	}})
	if _, err := book.EndSilence(context.Background(), s.ID); !errors.Is(err, commands.ErrNoSilence) {
		t.Errorf("ending it again: %v, want ErrNoSilence", err)
	}
}

func TestSilenceOfACheckCoversNewNodes(t *testing.T) {
	h, book := silenced(t, quick())
	h.silence(book, nil, disk, time.Hour)
	h.tick()

	h.w.set("new-1", disk, consul.StatusCritical, "")
	h.w.set("new-1", docker, consul.StatusCritical, "")
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {"new-1 critical on docker-daemon"}})
}

func TestSilenceBookKeepsIDsAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	kv := store.NewMemory()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	book := NewSilenceBook(kv)
	book.now = func() time.Time { return now }

	for _, d := range []time.Duration{time.Hour, 2 * time.Hour} {
		if _, err := book.AddSilence(ctx, commands.Silence{Check: disk, Start: now, Until: now.Add(d)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := book.EndSilence(ctx, "2"); err != nil {
		t.Fatal(err)
	}

	// After a restart the first silence ended; the next ID is still new.
	now = now.Add(90 * time.Minute)
	again := NewSilenceBook(kv)
	again.now = func() time.Time { return now }
	s, err := again.AddSilence(ctx, commands.Silence{Check: disk, Start: now, Until: now.Add(time.Hour)})
	if err != nil || s.ID != "3" {
		t.Fatalf("AddSilence after a restart = %q, %v; want ID 3", s.ID, err)
	}
	all, err := again.Silences(ctx, now)
	if err != nil || len(all) != 1 || all[0].ID != "3" {
		t.Errorf("Silences = %+v, %v; want silence 3 only", all, err)
	}
	entries, _ := kv.List(ctx, SilencePrefix)
	if len(entries) != 1 {
		t.Errorf("%d silences in the store, want the ended ones forgotten", len(entries))
	}
}

func TestSilenceBookRefusesWhatItCannotRead(t *testing.T) {
	ctx := context.Background()
	kv := store.NewMemory()
	if err := kv.Put(ctx, SilencePrefix+"1", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	book := NewSilenceBook(kv)
	if _, err := book.Silences(ctx, time.Now()); err == nil {
		t.Error("Silences over a broken record: want an error")
	}
	if got := book.Active(time.Now()); len(got) != 0 {
		t.Errorf("Active before a load = %+v, want none", got)
	}
}

func TestSilencesSortSoonestFirst(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	book := NewSilenceBook(store.NewMemory())
	for _, d := range []time.Duration{3 * time.Hour, time.Hour, 2 * time.Hour} {
		if _, err := book.AddSilence(ctx, commands.Silence{Check: disk, Until: now.Add(d)}); err != nil {
			t.Fatal(err)
		}
	}

	var ids []string
	for _, s := range book.Active(now) {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, []string{"2", "3", "1"}) {
		t.Errorf("silences in order %q, want 2 3 1", ids)
	}
}

// silenceOf returns a silence in force for an hour from the harness's
// start.
func silenceOf(id string, nodes []string, check string) commands.Silence {
	return commands.Silence{ID: id, Nodes: nodes, Check: check, Start: harnessStart,
		Until: harnessStart.Add(time.Hour)}
}
