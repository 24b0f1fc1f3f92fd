package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/store"
)

func TestRestartRepeatsNothingAndMissesNothing(t *testing.T) {
	ctx := context.Background()
	kv := store.NewMemory()
	w, meta := testFleet()
	w.set("dm-1", docker, consul.StatusCritical, "")
	before := newHarnessOpts(t, Options{Config: quick(), State: kv}, w, meta)
	expectLines(t, before.baseline(), map[string][]string{"#fleet": {"watching 48 nodes, 1 critical (dm-1)"}})

	w.set("dm-2", docker, consul.StatusCritical, "")
	w.set("dm-3", disk, consul.StatusWarning, "")
	before.observe()
	before.wait(time.Second)
	if err := before.eng.Save(ctx); err != nil {
		t.Fatal(err)
	}

	// While gordon is down dm-2 recovers and dm-4 fails; dm-1 and dm-3
	// stay as they were announced.
	w.set("dm-2", docker, consul.StatusPassing, "")
	w.set("dm-4", docker, consul.StatusCritical, "")

	after := newHarnessOpts(t, Options{Config: quick(), State: kv}, w, meta)
	after.clk.advance(time.Hour)
	expectLines(t, after.baseline(), map[string][]string{"#fleet": {
		"resumed watching 48 nodes, 2 critical, 1 warning",
	}})
	expectLines(t, after.wait(time.Second), map[string][]string{"#fleet": {
		"dm-4 critical on docker-daemon (seen at start)",
		"dm-2 recovered on docker-daemon (seen at start)",
	}})
	expectLines(t, after.wait(time.Hour), nil)

	// A recovery after the restart knows when the check failed.
	w.set("dm-1", docker, consul.StatusPassing, "")
	after.observe()
	expectLines(t, after.wait(time.Second), map[string][]string{"#fleet": {
		"dm-1 recovered on docker-daemon after more than 2h",
	}})
}

func TestSaveWaitsForTheFirstSnapshot(t *testing.T) {
	ctx := context.Background()
	kv := store.NewMemory()
	old := []byte(`{"version":1,"checks":[{"node":"dm-1","id":"docker-daemon","status":"critical"}]}`)
	if err := kv.Put(ctx, StateKey, old); err != nil {
		t.Fatal(err)
	}

	w, meta := testFleet()
	h := newHarnessOpts(t, Options{Config: quick(), State: kv}, w, meta)
	if err := h.eng.Save(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := kv.Get(ctx, StateKey); string(got) != string(old) {
		t.Fatalf("state before any snapshot = %s, want the old one kept", got)
	}

	h.baseline()
	if err := h.eng.Save(ctx); err != nil {
		t.Fatal(err)
	}
	var s savedState
	got, _ := kv.Get(ctx, StateKey)
	if err := json.Unmarshal(got, &s); err != nil || len(s.Checks) != 0 {
		t.Errorf("state after dm-1 was seen passing = %s, %v; want no check", got, err)
	}
}

// brokenState fails every read and write.
type brokenState struct{}

func (brokenState) Get(context.Context, string) ([]byte, error) { return nil, errors.New("disk gone") }
func (brokenState) Put(context.Context, string, []byte) error   { return errors.New("disk gone") }

func TestUnreadableStateTakesABaseline(t *testing.T) {
	w, meta := testFleet()
	opts := Options{Config: Config{Channel: "#fleet"}, State: brokenState{}, Out: &recorder{}}
	eng, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Load(context.Background()); err == nil {
		t.Error("Load over a broken store: want its error")
	}

	h := newHarnessOpts(t, Options{Config: quick()}, w, meta)
	h.eng = eng
	eng.now = h.clk.Now
	eng.out = h.out
	expectLines(t, h.baseline(), map[string][]string{"#fleet": {"watching 48 nodes, all passing"}})
	if err := eng.Save(context.Background()); err == nil {
		t.Error("Save over a broken store: want its error")
	}
}

func TestSilenceEndedWhileDownIsSaidAtStart(t *testing.T) {
	ctx := context.Background()
	kv := store.NewMemory()
	w, meta := testFleet()
	book := NewSilenceBook(kv)
	before := newHarnessOpts(t, Options{Config: quick(), State: kv, Silences: book}, w, meta)
	book.now = before.clk.Now
	before.baseline()

	before.silence(book, []string{"dm-1"}, "", time.Hour)
	before.tick()
	w.set("dm-1", docker, consul.StatusCritical, "")
	before.observe()
	expectLines(t, before.wait(time.Minute), nil)
	if err := before.eng.Save(ctx); err != nil {
		t.Fatal(err)
	}

	// gordon comes back after the silence ended: the failure it muted is
	// said once.
	again := NewSilenceBook(kv)
	after := newHarnessOpts(t, Options{Config: quick(), State: kv, Silences: again}, w, meta)
	after.clk.advance(2 * time.Hour)
	again.now = after.clk.Now
	after.baseline()
	expectLines(t, after.wait(time.Second), map[string][]string{"#fleet": {
		"dm-1 critical on docker-daemon (seen at start)",
	}})
}
