package alerts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/integrations/consul"
)

// testFleet returns 48 nodes: dm-1 to dm-12 on devmapper, dm-1 to dm-8
// with kernels 3.19, and ov-1 to ov-36 on overlay with 4.4; and their
// metadata.
func testFleet() (*world, map[string]map[string]string) {
	w := newWorld()
	w.addNodes("dm", 12)
	w.addNodes("ov", 36)

	meta := map[string]map[string]string{}
	for i := 1; i <= 12; i++ {
		kernel := "4.4.0-21-generic"
		if i <= 8 {
			kernel = fmt.Sprintf("3.19.0-%d-generic", 20+i)
		}
		meta[fmt.Sprintf("dm-%d", i)] = map[string]string{"kernel": kernel, "storage": "devmapper",
			"distro": "ubuntu-14.04", "docker_version": "1.7.0"}
	}
	for i := 1; i <= 36; i++ {
		meta[fmt.Sprintf("ov-%d", i)] = map[string]string{"kernel": "4.4.0-21-generic", "storage": "overlay",
			"distro": "ubuntu-14.04", "docker_version": "1.7.0"}
	}
	return w, meta
}

// quick is a config with no debounce and a one-second group window.
func quick() Config {
	return Config{Debounce: dur(0), GroupWindow: dur(time.Second)}
}

func TestBaselineIsOneSummaryOnce(t *testing.T) {
	w, meta := testFleet()
	w.set("dm-1", docker, consul.StatusCritical, "")
	w.set("ov-7", docker, consul.StatusCritical, "")
	w.set("ov-8", disk, consul.StatusWarning, "")
	w.maint("ov-9", true)
	w.set("ov-9", docker, consul.StatusCritical, "")
	h := newHarness(t, Config{}, w, meta)

	expectLines(t, h.baseline(), map[string][]string{
		"#fleet": {"watching 48 nodes, 2 critical (dm-1, ov-7), 1 warning, 1 in maintenance"},
	})

	// The same checks again, and time passing: nothing more, and never
	// the baseline's failures one by one.
	h.observe()
	expectLines(t, h.wait(5*time.Minute), nil)
	if got := h.metric(h.eng.metrics.sent.WithLabelValues(kindBaseline)); got != 1 {
		t.Errorf("baseline lines sent = %v, want 1", got)
	}
}

func TestBaselineAllPassing(t *testing.T) {
	w := newWorld()
	w.addNodes("dm", 1)
	h := newHarness(t, Config{}, w, nil)
	expectLines(t, h.baseline(), map[string][]string{"#fleet": {"watching 1 node, all passing"}})
}

func TestDebounceHoldsThenAnnounces(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, Config{}, w, meta)
	h.baseline()

	w.set("dm-3", docker, consul.StatusCritical, "Cannot connect to the Docker daemon")
	h.observe()
	expectLines(t, h.wait(29*time.Second), nil)

	// Due at 30 s, sent when the 2 s group window closes.
	got := h.wait(3 * time.Second)
	expectLines(t, got, map[string][]string{
		"#fleet": {"dm-3 critical on docker-daemon: Cannot connect to the Docker daemon"},
	})
}

func TestDebounceDropsShortBlips(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, Config{}, w, meta)
	h.baseline()

	w.set("dm-3", docker, consul.StatusCritical, "")
	h.observe()
	h.wait(10 * time.Second)
	w.set("dm-3", docker, consul.StatusWarning, "")
	h.observe()
	h.wait(10 * time.Second)
	w.set("dm-3", docker, consul.StatusPassing, "")
	h.observe()

	expectLines(t, h.wait(2*time.Minute), nil)
	if got := h.metric(h.eng.metrics.debounced); got != 2 {
		t.Errorf("debounced = %v, want 2 (critical, then warning)", got)
	}
}

func TestDebounceOverrides(t *testing.T) {
	w, meta := testFleet()
	cfg := Config{
		CheckDebounce:   map[string]config.Duration{disk: config.Duration(5 * time.Second)},
		ServiceDebounce: map[string]config.Duration{"web": config.Duration(time.Minute)},
		GroupWindow:     dur(0),
	}
	w.set("ov-1", disk, consul.StatusPassing, "")
	w.setService("ov-2", "web-check", "web", consul.StatusPassing)
	h := newHarness(t, cfg, w, meta)
	h.baseline()

	w.set("ov-1", disk, consul.StatusCritical, "")
	w.setService("ov-2", "web-check", "web", consul.StatusCritical)
	w.set("ov-3", docker, consul.StatusCritical, "")
	h.observe()

	expectLines(t, h.wait(4*time.Second), nil)
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {"ov-1 critical on disk"}})
	expectLines(t, h.wait(25*time.Second), map[string][]string{"#fleet": {"ov-3 critical on docker-daemon"}})
	expectLines(t, h.wait(29*time.Second), nil)
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {"ov-2 critical on web-check"}})
}

func TestFlappingOneLineThenQuietUntilStable(t *testing.T) {
	w, meta := testFleet()
	cfg := Config{FlapChanges: 3, FlapWindow: config.Duration(time.Minute)}
	h := newHarness(t, cfg, w, meta)
	h.baseline()

	// Four changes 5 s apart, each shorter than the debounce: the fourth
	// makes the check flapping.
	status := []string{consul.StatusCritical, consul.StatusPassing}
	var got []string
	for i := range 4 {
		w.set("dm-2", docker, status[i%2], "")
		h.observe()
		got = append(got, lines(h.wait(5*time.Second), "#fleet")...)
	}
	want := "dm-2 flapping on docker-daemon (4 changes in 1m); quiet until it holds still for 1m"
	if len(got) != 1 || got[0] != want {
		t.Fatalf("after 4 changes: %q, want [%q]", got, want)
	}

	// Going on flapping, even holding longer than the debounce: quiet.
	for i := range 6 {
		w.set("dm-2", docker, status[i%2], "")
		h.observe()
		expectLines(t, h.wait(40*time.Second), nil)
	}

	// Holding critical for a whole flap window: one line, where it went.
	w.set("dm-2", docker, consul.StatusCritical, "")
	h.observe()
	expectLines(t, h.wait(59*time.Second), nil)
	expectLines(t, h.wait(3*time.Second), map[string][]string{
		"#fleet": {"dm-2 stopped flapping on docker-daemon, now critical"},
	})

	// And from there on it is an ordinary check again. It had failed
	// since its last passing state that was not flapping: its second
	// change, 10 s in.
	w.set("dm-2", docker, consul.StatusPassing, "")
	h.observe()
	expectLines(t, h.wait(33*time.Second), map[string][]string{
		"#fleet": {"dm-2 recovered on docker-daemon after 5m12s"},
	})
	if got := h.metric(h.eng.metrics.suppressed.WithLabelValues(reasonFlapping)); got != 7 {
		t.Errorf("changes suppressed as flapping = %v, want 7", got)
	}
}

func TestGroupingWithCorrelation(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, quick(), w, meta)
	h.baseline()

	// Nine nodes within the window, one of them a 4.4 kernel.
	for i := 1; i <= 9; i++ {
		node := fmt.Sprintf("dm-%d", i)
		if i == 9 {
			node = "dm-10"
		}
		w.set(node, docker, consul.StatusCritical, "Cannot connect to the Docker daemon")
		h.observe()
		h.clk.advance(100 * time.Millisecond)
		expectLines(t, h.tick(), nil)
	}

	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {
		"9 nodes critical on docker-daemon, all storage=devmapper, 8/9 kernel=3.19*: " +
			"dm-1, dm-2, dm-3, dm-4, dm-5, ... and 4 more (output: Cannot connect to the Docker daemon)",
	}})
	if got := h.metric(h.eng.metrics.grouped); got != 9 {
		t.Errorf("grouped = %v, want 9", got)
	}
	if got := h.metric(h.eng.metrics.transitions.WithLabelValues("critical")); got != 9 {
		t.Errorf("critical transitions = %v, want 9", got)
	}
}

func TestGroupingSplitsWindowsAndKinds(t *testing.T) {
	w, meta := testFleet()
	w.set("ov-1", disk, consul.StatusCritical, "")
	h := newHarness(t, quick(), w, meta)
	h.baseline()

	// A recovery, a warning, two failures of one check, all in one window.
	h.clk.advance(time.Hour)
	w.set("ov-1", disk, consul.StatusPassing, "")
	w.set("ov-2", disk, consul.StatusWarning, "92% used")
	w.set("ov-3", docker, consul.StatusCritical, "exit 1")
	w.set("ov-4", docker, consul.StatusCritical, "exit 2")
	h.observe()

	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {
		"2 nodes critical on docker-daemon: ov-3, ov-4",
		"ov-2 warning on disk: 92% used",
		"ov-1 recovered on disk after more than 1h",
	}})

	// A change after the window closed opens a window of its own.
	w.set("ov-5", docker, consul.StatusCritical, "")
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {"ov-5 critical on docker-daemon"}})
}

func TestGroupingSumsUpBeyondThreeLines(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, quick(), w, meta)
	h.baseline()

	w.set("ov-1", "a", consul.StatusCritical, "")
	w.set("ov-2", "b", consul.StatusCritical, "")
	w.set("ov-3", "c", consul.StatusWarning, "")
	w.set("ov-4", "d", consul.StatusWarning, "")
	w.set("ov-5", "d", consul.StatusWarning, "")
	h.observe()

	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {
		"ov-1 critical on a",
		"ov-2 critical on b",
		"and 3 more changes: 2 warning on d; 1 warning on c",
	}})
}

func TestRecoverySaysHowLongItFailed(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, Config{GroupWindow: dur(time.Second)}, w, meta)
	h.baseline()

	for _, n := range []string{"dm-1", "dm-2"} {
		w.set(n, docker, consul.StatusCritical, "")
	}
	h.observe()
	h.wait(10 * time.Minute)
	w.set("dm-1", docker, consul.StatusPassing, "")
	h.observe()
	h.wait(2 * time.Minute)
	w.set("dm-2", docker, consul.StatusPassing, "")
	h.observe()

	got := h.wait(31 * time.Second)
	expectLines(t, got, map[string][]string{"#fleet": {"dm-2 recovered on docker-daemon after 12m"}})

	// Two recoveries in one window give a range.
	for _, n := range []string{"dm-3", "dm-4"} {
		w.set(n, docker, consul.StatusCritical, "")
		h.observe()
		h.wait(90 * time.Second)
	}
	for _, n := range []string{"dm-3", "dm-4"} {
		w.set(n, docker, consul.StatusPassing, "")
	}
	h.observe()
	expectLines(t, h.wait(31*time.Second), map[string][]string{
		"#fleet": {"2 nodes recovered on docker-daemon after 1m30s to 3m: dm-3, dm-4"},
	})
}

func TestNodeDownAndUp(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, quick(), w, meta)
	h.baseline()

	w.set("dm-4", nodeHealthID, consul.StatusCritical, "Agent not live or unreachable")
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{
		"#fleet": {"node down: dm-4 (Agent not live or unreachable)"},
	})

	h.clk.advance(5*time.Minute - time.Second)
	w.set("dm-4", nodeHealthID, consul.StatusPassing, "Agent alive and reachable")
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {"node up: dm-4 after 5m down"}})

	// Several nodes down at once are one line, with what they share.
	for _, n := range []string{"dm-1", "dm-2", "dm-3"} {
		w.set(n, nodeHealthID, consul.StatusCritical, "")
	}
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{
		"#fleet": {"3 nodes down, all kernel=3.19*, all storage=devmapper: dm-1, dm-2, dm-3"},
	})
}

func TestRouting(t *testing.T) {
	w, meta := testFleet()
	cfg := quick()
	cfg.Routes = []Route{
		{Channel: "#storage", Select: []string{"storage=devmapper"}},
		{Channel: "#web", Services: []string{"web*"}},
		{Private: "carol", Checks: []string{"dis?"}, Severities: []string{SeverityCritical}},
	}
	w.setService("ov-9", "web-check", "web", consul.StatusPassing)
	h := newHarness(t, cfg, w, meta)
	h.baseline()

	w.set("dm-1", docker, consul.StatusCritical, "")
	w.set("dm-2", docker, consul.StatusCritical, "")
	w.set("ov-1", docker, consul.StatusCritical, "")
	w.set("ov-2", disk, consul.StatusCritical, "full")
	w.set("ov-3", disk, consul.StatusWarning, "")
	w.setService("ov-9", "web-check", "web", consul.StatusCritical)
	h.observe()

	got := h.wait(time.Second)
	expectLines(t, got, map[string][]string{
		"#storage": {"2 nodes critical on docker-daemon, all kernel=3.19*, all storage=devmapper: dm-1, dm-2"},
		"#web":     {"ov-9 critical on web-check"},
		"#fleet": {
			"ov-2 critical on disk: full",
			"ov-1 critical on docker-daemon",
			"ov-3 warning on disk",
		},
		"carol": {"ov-2 critical on disk: full"},
	})
	for _, r := range got {
		if r.Private != (r.Target == "carol") {
			t.Errorf("reply to %s: private = %v", r.Target, r.Private)
		}
	}

	// The recovery of a critical check reaches the person who got it.
	w.set("ov-2", disk, consul.StatusPassing, "")
	h.observe()
	got = h.wait(time.Second)
	if l := lines(got, "carol"); len(l) != 1 || !strings.HasPrefix(l[0], "ov-2 recovered on disk") {
		t.Errorf("carol got %q, want the recovery of ov-2", l)
	}
}

func TestMaintenanceIsSilent(t *testing.T) {
	w, meta := testFleet()
	w.setService("ov-9", "web-check", "web", consul.StatusPassing)
	h := newHarness(t, quick(), w, meta)
	h.baseline()

	w.maint("dm-5", true)
	w.serviceMaint("ov-9", "web", true)
	h.observe()
	for _, status := range []string{consul.StatusCritical, consul.StatusPassing, consul.StatusCritical} {
		w.set("dm-5", docker, status, "")
		w.setService("ov-9", "web-check", "web", status)
		h.observe()
		expectLines(t, h.wait(time.Minute), nil)
	}
	if got := h.metric(h.eng.metrics.suppressed.WithLabelValues(reasonMaintenance)); got != 6 {
		t.Errorf("suppressed for maintenance = %v, want 6", got)
	}

	// Out of maintenance and passing: nothing. Still failing: announced.
	w.set("dm-5", docker, consul.StatusPassing, "")
	w.maint("dm-5", false)
	w.serviceMaint("ov-9", "web", false)
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {"ov-9 critical on web-check"}})
}

func TestCheckOutputIsRedacted(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, quick(), w, meta)
	h.baseline()

	w.set("ov-1", docker, consul.StatusCritical,
		"login to https://ci:hunter2@registry.example.org failed\r\nPRIVMSG #x :token=abc123")
	h.observe()
	got := lines(h.wait(time.Second), "#fleet")
	if len(got) != 1 || strings.Contains(got[0], "hunter2") || strings.Contains(got[0], "abc123") ||
		strings.ContainsAny(got[0], "\r\n") || !strings.Contains(got[0], "[redacted]") {
		t.Fatalf("line %q: want the secrets redacted, on one line", got)
	}
}

func TestNewAndRemovedNodes(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, quick(), w, meta)
	h.baseline()

	// A node joining with a failing check is announced; one leaving the
	// catalog is not a failure.
	w.set("new-1", docker, consul.StatusCritical, "")
	w.remove("ov-36")
	h.observe()
	expectLines(t, h.wait(time.Second), map[string][]string{"#fleet": {"new-1 critical on docker-daemon"}})
	if _, ok := h.eng.tracker.checks[checkKey{"ov-36", docker}]; ok {
		t.Error("checks of a node gone from the catalog are still followed")
	}
}

func TestNextAndStaleFacts(t *testing.T) {
	w, _ := testFleet()
	calls := 0
	facts := FactsFunc(func(context.Context) (map[string]map[string]string, error) {
		calls++
		if calls > 1 {
			return nil, errors.New("consul unreachable")
		}
		return map[string]map[string]string{"dm-1": {"storage": "devmapper"}}, nil
	})
	clk := &clock{now: time.Unix(0, 0)}
	eng, err := New(Options{Config: Config{Channel: "#fleet"}, Facts: facts, Out: &recorder{}, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := eng.Next(); ok {
		t.Error("Next before any snapshot: want nothing to do")
	}

	eng.Observe(w.snapshot())
	if at, ok := eng.Next(); !ok || at.After(clk.Now()) {
		t.Errorf("Next with the baseline waiting = %v, %v; want now", at, ok)
	}
	if len(eng.stale) != 1 {
		t.Error("a snapshot naming nodes without metadata should ask for a refresh")
	}
	eng.Tick(context.Background(), clk.Now())

	w.set("dm-1", docker, consul.StatusCritical, "")
	eng.Observe(w.snapshot())
	if at, _ := eng.Next(); !at.Equal(clk.Now().Add(DefaultDebounce)) {
		t.Errorf("Next = %v, want the debounce deadline", at)
	}

	if err := eng.RefreshFacts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := eng.RefreshFacts(context.Background()); err == nil {
		t.Error("a failing source: want an error")
	}
	if !eng.facts.knows("dm-1") {
		t.Error("a failed refresh should keep the facts there were")
	}
}

func TestSendErrorsAreReturned(t *testing.T) {
	w, _ := testFleet()
	h := newHarness(t, Config{}, w, nil)
	h.out.err = errors.New("session closed")
	h.observe()
	err := h.eng.Tick(context.Background(), h.clk.Now())
	if err == nil || !strings.Contains(err.Error(), "#fleet") {
		t.Fatalf("Tick: %v, want the replier's error naming the target", err)
	}
	if got := h.metric(h.eng.metrics.sendErrors); got != 1 {
		t.Errorf("send errors = %v, want 1", got)
	}
}

func TestStormIsFewLines(t *testing.T) {
	w := newWorld()
	w.addNodes("n", 1000)
	w.addNodes("spare", 200)
	h := newHarness(t, Config{Debounce: dur(0)}, w, nil)
	h.baseline()

	// A thousand nodes failing over one second, ten snapshots apart.
	for i := 1; i <= 1000; i++ {
		w.set(fmt.Sprintf("n-%d", i), docker, consul.StatusCritical, "")
		if i%100 == 0 {
			h.observe()
			h.clk.advance(100 * time.Millisecond)
			expectLines(t, h.tick(), nil)
		}
	}
	got := lines(h.wait(2*time.Second), "#fleet")
	want := "1000 nodes critical on docker-daemon: n-1, n-2, n-3, n-4, n-5, ... and 995 more"
	if len(got) != 1 || got[0] != want {
		t.Errorf("storm lines = %q, want [%q]", got, want)
	}
}
