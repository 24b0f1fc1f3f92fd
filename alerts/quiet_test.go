package alerts

import (
	"context"
	"errors"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
)

// fakeRecords holds gordon's maintenance records as a test sets them.
type fakeRecords struct {
	mu   sync.Mutex
	recs map[string]fleet.MaintRecord
	err  error
}

func (f *fakeRecords) MaintRecords(context.Context) (map[string]fleet.MaintRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.recs), f.err
}

// set records node in maintenance or out of it.
func (f *fakeRecords) set(node string, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recs[node] = fleet.MaintRecord{Node: node, On: on, Who: "alice"}
}

func TestMaintRecordKeepsANodeQuiet(t *testing.T) {
	w, meta := testFleet()
	recs := &fakeRecords{recs: map[string]fleet.MaintRecord{}}
	h := newHarnessOpts(t, Options{Config: quick(), Maint: recs}, w, meta)
	h.baseline()
	ctx := context.Background()

	// gordon's record alone, its agent unreachable: Consul shows no
	// maintenance, and the node is quiet all the same.
	recs.set("dm-5", true)
	if err := h.eng.RefreshMaint(ctx); err != nil {
		t.Fatal(err)
	}
	w.set("dm-5", docker, consul.StatusCritical, "")
	w.set("dm-5", nodeHealthID, consul.StatusCritical, "")
	h.observe()
	expectLines(t, h.wait(time.Minute), nil)
	if got := h.metric(h.eng.metrics.suppressed.WithLabelValues(reasonMaintenance)); got != 2 {
		t.Errorf("suppressed for maintenance = %v, want 2", got)
	}

	// A record read that fails keeps the records there were.
	recs.err = errors.New("store closed")
	if err := h.eng.RefreshMaint(ctx); err == nil {
		t.Error("RefreshMaint over a failing source: want an error")
	}
	expectLines(t, h.wait(time.Minute), nil)

	// Out of maintenance, with no new snapshot: what still fails is
	// announced after its debounce, from the catalog the engine has.
	recs.err = nil
	recs.set("dm-5", false)
	if err := h.eng.RefreshMaint(ctx); err != nil {
		t.Fatal(err)
	}
	expectLines(t, h.wait(2*time.Second), map[string][]string{"#fleet": {
		"node down: dm-5", "dm-5 critical on docker-daemon",
	}})
}

func TestQuietDuringAnUpgrade(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, quick(), w, meta)
	h.baseline()

	h.eng.Quiet("dm-6", h.clk.Now().Add(10*time.Minute), "upgrade to 1.8.0")
	h.eng.Quiet("dm-7", h.clk.Now().Add(10*time.Minute), "upgrade to 1.8.0")
	for _, n := range []string{"dm-6", "dm-7"} {
		w.set(n, docker, consul.StatusCritical, "")
	}
	h.observe()
	expectLines(t, h.wait(5*time.Minute), nil)
	if got := h.metric(h.eng.metrics.suppressed.WithLabelValues(reasonUpgrade)); got != 2 {
		t.Errorf("suppressed for an upgrade = %v, want 2", got)
	}

	// dm-6 is done and passes; dm-7's quiet runs out while it fails.
	w.set("dm-6", docker, consul.StatusPassing, "")
	h.observe()
	h.eng.Unquiet("dm-6")
	expectLines(t, h.wait(time.Minute), nil)
	expectLines(t, h.wait(5*time.Minute), map[string][]string{"#fleet": {"dm-7 critical on docker-daemon"}})
}

func TestQuietSetMatching(t *testing.T) {
	q := newQuietSet()
	q.records["dm-1"] = true
	q.upgrades["dm-2"] = upgrade{until: harnessStart.Add(time.Hour)}
	q.silences = []*activeSilence{compileSilence(silenceOf("7", []string{"dm-3"}, "dock*")),
		compileSilence(silenceOf("8", nil, "disk"))}

	tests := []struct {
		name             string
		node, check, id  string
		consulMaint      bool
		reason, silences string
	}{
		{"consul maintenance", "dm-9", docker, docker, true, reasonMaintenance, ""},
		{"gordon's record", "dm-1", docker, docker, false, reasonMaintenance, ""},
		{"upgrade", "dm-2", docker, docker, false, reasonUpgrade, ""},
		{"silenced by name glob", "dm-3", "docker-daemon", "c1", false, reasonSilence, "7"},
		{"silenced by ID glob", "dm-3", "Docker", "docker-daemon", false, reasonSilence, "7"},
		{"another check of the node", "dm-3", "load", "load", false, "", ""},
		{"a check silenced everywhere", "dm-4", disk, disk, false, reasonSilence, "8"},
		{"nothing", "dm-4", docker, docker, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := q.node(tt.node, tt.consulMaint)
			if why.none() {
				why = q.check(tt.node, tt.check, tt.id)
			}
			if why.reason != tt.reason || why.silence != tt.silences {
				t.Errorf("cause = %+v, want %q %q", why, tt.reason, tt.silences)
			}
		})
	}
}
