package upgrade

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/store"
)

// wantLines checks that what was heard is exactly one line per want,
// each containing its want.
func wantLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.Contains(got[i], want[i])
	}
	if !ok {
		t.Fatalf("heard:\n%s\nwant lines containing:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRolloutUpgradesEveryNode(t *testing.T) {
	r := newRig(t, 5, testConfig())
	p := r.upgrade(Request{})

	s := r.waitPhase(PhaseDone, 4)
	wantLines(t, r.heard.all(),
		"upgrade to 24.0.1-rc1: canary batch 1/3: upgraded dm-1; took",
		"batch 2/3: upgraded dm-2 dm-3; took",
		"batch 3/3: upgraded dm-4 dm-5; took",
		"upgrade to 24.0.1-rc1 done in",
	)
	if !strings.Contains(r.heard.all()[3], "5 of 5 upgraded") || len(s.Upgraded) != 5 || len(p.Batches) != 3 {
		t.Fatalf("status %+v after %q", s, r.heard.all()[3])
	}

	// Every node went through the same steps, and is back in service.
	want := []string{"silence s? dm-1", "maint on dm-1", "offline dm-1", "run dm-1", "online dm-1", "maint off dm-1"}
	for _, n := range []string{"dm-1", "dm-2", "dm-3", "dm-4", "dm-5"} {
		got := r.w.callsFor(n)
		if len(got) != len(want) || !strings.HasPrefix(got[0], "silence s") {
			t.Fatalf("%s: calls %q", n, got)
		}
		for i := 1; i < len(want); i++ {
			if got[i] != strings.ReplaceAll(want[i], "dm-1", n) {
				t.Fatalf("%s: calls %q, want %q", n, got, want)
			}
		}
		if !r.w.inService(n) {
			t.Fatalf("%s left out of service", n)
		}
	}
	if unsilenced := r.w.count("unsilence "); unsilenced != 5 {
		t.Fatalf("%d silences lifted, want 5", unsilenced)
	}

	for _, h := range r.heard.where {
		if h != (Place{Target: "#fleet"}) {
			t.Fatalf("progress said at %+v", h)
		}
	}
}

func TestRolloutFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *world)
		limit Limits

		phase   Phase
		heard   []string
		stuck   []string // nodes left out of service
		touched []string // nodes whose runner ran
	}{
		{
			name:  "a runner failing on one node",
			setup: func(w *world) { w.runFails["dm-3"] = "exit status 1: no space left on device" },
			limit: Limits{Batch: 2, Canary: 1, MaxFail: 1},
			phase: PhaseDone,
			heard: []string{
				"canary batch 1/3: upgraded dm-1",
				"batch 2/3: upgraded dm-2; failed: dm-3 (left in maintenance: runner: exit status 1: no space left on device)",
				"batch 3/3: upgraded dm-4 dm-5",
				"done in",
			},
			stuck:   []string{"dm-3"},
			touched: []string{"dm-1", "dm-2", "dm-3", "dm-4", "dm-5"},
		},
		{
			name:  "a failed canary pauses",
			setup: func(w *world) { w.runFails["dm-1"] = "exit status 2" },
			limit: Limits{Batch: 2, Canary: 1, MaxFail: 1},
			phase: PhasePaused,
			heard: []string{
				"failed: dm-1 (left in maintenance: runner: exit status 2); took",
			},
			stuck:   []string{"dm-1"},
			touched: []string{"dm-1"},
		},
		{
			name: "more failures than the budget halt",
			setup: func(w *world) {
				w.runFails["dm-2"] = "boom"
				w.runFails["dm-3"] = "boom"
			},
			limit: Limits{Batch: 2, Canary: 1, MaxFail: 1},
			phase: PhaseHalted,
			heard: []string{
				"canary batch 1/3: upgraded dm-1",
				"batch 2/3: failed: dm-2 (left in maintenance: runner: boom), dm-3 (left in maintenance: runner: boom)",
				"halted after batch 2/3 (2 failed, more than the 1 allowed)",
			},
			stuck:   []string{"dm-2", "dm-3"},
			touched: []string{"dm-1", "dm-2", "dm-3"},
		},
		{
			name:  "a node that never becomes healthy",
			setup: func(w *world) { w.runBreaks["dm-2"] = []string{"docker"} },
			limit: Limits{Batch: 2, MaxFail: 1},
			phase: PhaseDone,
			heard: []string{
				"batch 1/3: upgraded dm-1; failed: dm-2 (left in maintenance: not healthy after 150ms: checks failing: docker)",
				"batch 2/3: upgraded dm-3 dm-4",
				"batch 3/3: upgraded dm-5",
				"done in",
			},
			stuck:   []string{"dm-2"},
			touched: []string{"dm-1", "dm-2", "dm-3", "dm-4", "dm-5"},
		},
		{
			name:  "a node that reports the wrong version",
			setup: func(w *world) { w.runGives["dm-1"] = "24.0.0" },
			limit: Limits{Batch: 4, MaxFail: 0},
			phase: PhaseHalted,
			heard: []string{
				"batch 1/2: upgraded dm-2 dm-3 dm-4; failed: dm-1 (left in maintenance: " +
					"not healthy after 150ms: reports 24.0.0, not 24.0.1-rc1)",
				"halted after batch 1/2 (1 failed, more than the 0 allowed)",
			},
			stuck:   []string{"dm-1"},
			touched: []string{"dm-1", "dm-2", "dm-3", "dm-4"},
		},
		{
			name: "failures before the runner put the node back",
			setup: func(w *world) {
				w.busy["dm-1"] = 1000
				w.offlineFails["dm-2"] = true
			},
			limit: Limits{Batch: 4, MaxFail: 2},
			phase: PhaseDone,
			heard: []string{
				"batch 1/2: upgraded dm-3 dm-4; failed: dm-1 (back in service: a build still runs on its agent after 60ms), " +
					"dm-2 (back in service: take its jenkins agent offline: jenkins answered 500)",
				"batch 2/2: upgraded dm-5",
				"done in",
			},
			touched: []string{"dm-3", "dm-4", "dm-5"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, 5, testConfig())
			r.w.mu.Lock()
			tt.setup(r.w)
			r.w.mu.Unlock()

			r.upgrade(Request{Batch: CountOf(tt.limit.Batch), Canary: CountOf(tt.limit.Canary),
				MaxFail: CountOf(tt.limit.MaxFail)})
			r.waitPhase(tt.phase, len(tt.heard))
			wantLines(t, r.heard.all(), tt.heard...)

			for _, n := range []string{"dm-1", "dm-2", "dm-3", "dm-4", "dm-5"} {
				if stuck := slices.Contains(tt.stuck, n); r.w.inService(n) == stuck {
					t.Errorf("%s in service = %v, want %v", n, !stuck, !stuck)
				}
				if ran := r.w.runCount(n) > 0; ran != slices.Contains(tt.touched, n) {
					t.Errorf("%s runner ran = %v", n, ran)
				}
			}
		})
	}
}

func TestRolloutCanaryResume(t *testing.T) {
	r := newRig(t, 4, testConfig())
	r.w.runFails["dm-1"] = "exit status 2"
	r.upgrade(Request{MaxFail: CountOf(1)})
	r.waitPhase(PhasePaused, 1)

	if _, err := r.u.Resume(context.Background(), "carol"); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	s := r.waitPhase(PhaseDone, 4)
	if len(s.Upgraded) != 3 || len(s.Failed) != 1 || !s.Failed[0].InMaint {
		t.Fatalf("after resume: %+v", s)
	}
	if line := r.heard.all()[3]; !strings.Contains(line, "3 of 4 upgraded (dm-2 dm-3 dm-4); failed: dm-1 (left in maintenance") {
		t.Fatalf("summary %q", line)
	}
}

func TestRolloutAbortDuringBatch(t *testing.T) {
	r := newRig(t, 6, testConfig())
	release := r.block("dm-2", "dm-3")
	defer release()
	r.upgrade(Request{})
	r.waitRunning("dm-2", "dm-3")

	reply, err := r.u.Abort(context.Background(), "carol")
	if err != nil || !strings.Contains(reply, "the nodes in flight (dm-2 dm-3) finish, no other starts") {
		t.Fatalf("Abort = %q, %v", reply, err)
	}
	if s := r.status(); s.Phase != PhaseRunning || s.AbortBy != "carol" ||
		!strings.Contains(s.Lines()[0], "aborting after it (asked by carol)") {
		t.Fatalf("status while aborting: %+v", s.Lines())
	}
	release()

	r.waitPhase(PhaseAborted, 3)
	wantLines(t, r.heard.all(),
		"canary batch 1/4: upgraded dm-1",
		"batch 2/4: upgraded dm-2 dm-3",
		"upgrade to 24.0.1-rc1 aborted by carol after batch 2/4 in",
	)
	if !strings.Contains(r.heard.all()[2], "not started: dm-4 dm-5 dm-6") {
		t.Fatalf("summary %q", r.heard.all()[2])
	}
	for _, n := range []string{"dm-4", "dm-5", "dm-6"} {
		if calls := r.w.callsFor(n); len(calls) > 0 {
			t.Fatalf("%s touched after the abort: %q", n, calls)
		}
	}
	if _, err := r.u.Abort(context.Background(), "carol"); !errors.Is(err, ErrNoUpgrade) {
		t.Fatalf("abort after the end = %v, want ErrNoUpgrade", err)
	}
}

func TestRolloutPauseAndResume(t *testing.T) {
	r := newRig(t, 5, testConfig())
	release := r.block("dm-1")
	r.upgrade(Request{})
	r.waitRunning("dm-1")

	reply, err := r.u.Pause(context.Background(), "carol")
	if err != nil || !strings.Contains(reply, "after batch 1/3 (in flight: dm-1)") {
		t.Fatalf("Pause = %q, %v", reply, err)
	}
	if _, err := r.u.Resume(context.Background(), "dave"); err != nil {
		t.Fatalf("withdrawing the pause: %v", err)
	}
	if _, err := r.u.Pause(context.Background(), "carol"); err != nil {
		t.Fatalf("Pause again: %v", err)
	}
	release()

	s := r.waitPhase(PhasePaused, 2)
	if s.Next != 1 || !strings.Contains(r.heard.all()[1], "paused before batch 2/3: paused by carol") {
		t.Fatalf("paused at %d, heard %q", s.Next, r.heard.all())
	}
	if _, err := r.u.Resume(context.Background(), "dave"); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	r.waitPhase(PhaseDone, 5)
	if _, err := r.u.Resume(context.Background(), "dave"); !errors.Is(err, ErrNoUpgrade) {
		t.Fatalf("resume after the end = %v", err)
	}
}

func TestRolloutRestartInTheMiddleOfABatch(t *testing.T) {
	r := newRig(t, 5, testConfig())
	r.block("dm-2", "dm-3") // never released: gordon stops first
	r.upgrade(Request{})
	r.waitRunning("dm-2", "dm-3")
	r.stop()

	// Stopped in the middle: the steps are stored, nothing was undone.
	if r.w.inService("dm-2") || r.w.inService("dm-3") || !r.w.inService("dm-4") {
		t.Fatal("stopping gordon must leave the batch in flight as it is")
	}

	r.w.mu.Lock()
	r.w.runBlocks = map[string]chan struct{}{}
	r.w.mu.Unlock()
	r.restart(testConfig())
	s := r.waitPhase(PhasePaused, 2)
	wantLines(t, r.heard.all(),
		"the upgrade to 24.0.1-rc1 is paused at batch 2/3 (gordon restarted while it ran); "+
			"still in maintenance from it: dm-2 (running the upgrade, since",
		"1 of 5 upgraded (dm-1); not started: dm-4 dm-5; say \"upgrade resume\" to go on",
	)
	if len(s.InFlight) != 2 || r.w.runCount("dm-2") != 1 {
		t.Fatalf("after the restart: %+v, runs of dm-2 %d", s, r.w.runCount("dm-2"))
	}

	if _, err := r.u.Resume(context.Background(), "carol"); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	s = r.waitPhase(PhaseDone, 5)
	if len(s.Upgraded) != 5 || r.w.runCount("dm-1") != 1 || r.w.runCount("dm-2") != 2 {
		t.Fatalf("after resume: %+v, runs of dm-2 %d", s, r.w.runCount("dm-2"))
	}
	for _, n := range []string{"dm-1", "dm-2", "dm-3", "dm-4", "dm-5"} {
		if !r.w.inService(n) {
			t.Fatalf("%s out of service at the end", n)
		}
	}
}

func TestRolloutAbortAfterRestart(t *testing.T) {
	r := newRig(t, 5, testConfig())
	r.block("dm-2", "dm-3")
	r.upgrade(Request{})
	r.waitRunning("dm-2", "dm-3")
	r.stop()

	r.w.mu.Lock()
	r.w.runBlocks = map[string]chan struct{}{}
	r.w.mu.Unlock()
	r.restart(testConfig())
	r.waitPhase(PhasePaused, 2)

	// The nodes a restart left in maintenance finish; none other starts.
	reply, err := r.u.Abort(context.Background(), "carol")
	if err != nil || !strings.Contains(reply, "(dm-2 dm-3) finish") {
		t.Fatalf("Abort = %q, %v", reply, err)
	}
	s := r.waitPhase(PhaseAborted, 4)
	if len(s.Upgraded) != 3 || !r.w.inService("dm-2") || r.w.runCount("dm-4") != 0 {
		t.Fatalf("after abort: %+v, runs of dm-2 %d", s, r.w.runCount("dm-2"))
	}
}

func TestRolloutRechecksLabels(t *testing.T) {
	r := newRig(t, 4, testConfig())
	withLabel(r.w.agents, "gpu", "dm-2", "dm-3", "dm-4")
	release := r.block("dm-1")
	r.upgrade(Request{Batch: CountOf(2)})
	r.waitRunning("dm-1")

	// While the canary runs, another gpu agent drops out of Jenkins: the
	// next batch (dm-2 dm-3) would now leave gpu with no agent.
	r.w.mu.Lock()
	r.w.offline["dm-4"] = true
	r.w.mu.Unlock()
	release()

	r.waitPhase(PhasePaused, 2)
	wantLines(t, r.heard.all(), "canary batch 1/3: upgraded dm-1",
		"paused before batch 2/3: the next batch would take the last online agent of label gpu offline")
	if r.w.runCount("dm-2") != 0 {
		t.Fatal("dm-2 was upgraded against the label rule")
	}
}

func TestStartRefusals(t *testing.T) {
	r := newRig(t, 3, testConfig())
	release := r.block("dm-1")
	defer release()
	p := r.upgrade(Request{})

	c := Confirmation{AskedBy: "alice", ConfirmedBy: "bob", Place: Place{Target: "#fleet"}}
	if err := r.u.Start(context.Background(), p, c); !errors.Is(err, ErrActive) {
		t.Fatalf("a second start = %v, want ErrActive", err)
	}
	var bad *RequestError
	if err := r.u.Start(context.Background(), Plan{}, c); !errors.As(err, &bad) {
		t.Fatalf("an empty plan = %v, want a RequestError", err)
	}
	if _, err := r.u.Plan(context.Background(), Request{Version: "24", Batch: CountOf(0)}); !errors.As(err, &bad) {
		t.Fatalf("a bad version = %v, want a RequestError", err)
	}
	if _, err := r.u.Plan(context.Background(), Request{Version: target, Batch: CountOf(0)}); !errors.As(err, &bad) ||
		!strings.Contains(bad.Reason, "--batch") {
		t.Fatalf("--batch=0 = %v, want a RequestError", err)
	}
}

func TestNotReadyBeforeRun(t *testing.T) {
	w := newWorld(fleetOf(1))
	u, err := New(Options{Fleet: w, Maintenance: w, Health: w, Runner: w, Store: store.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Status(); !errors.Is(err, ErrNotReady) {
		t.Fatalf("Status before Run = %v, want ErrNotReady", err)
	}
	if _, err := New(Options{Fleet: w}); err == nil {
		t.Fatal("New without its dependencies must fail")
	}
}

func TestRolloutRestartWhileChecking(t *testing.T) {
	cfg := testConfig()
	cfg.HealthTimeout.UnmarshalText([]byte("1m"))
	r := newRig(t, 2, cfg)
	r.w.runBreaks["dm-1"] = []string{"docker"}
	r.upgrade(Request{})
	r.eventually("dm-1 waiting for health", func() bool {
		s := r.status()
		return len(s.InFlight) == 1 && s.InFlight[0].Step == StepChecking
	})
	r.stop()

	// The node comes good while gordon is down; going on, gordon checks
	// it again and does not run the upgrade a second time.
	r.w.mu.Lock()
	r.w.failing["dm-1"] = nil
	r.w.mu.Unlock()
	r.restart(cfg)
	r.waitPhase(PhasePaused, 2)
	if _, err := r.u.Resume(context.Background(), "carol"); err != nil {
		t.Fatalf("Resume: %v", err)
	}

	s := r.waitPhase(PhaseDone, 4)
	if len(s.Upgraded) != 2 || r.w.runCount("dm-1") != 1 || !r.w.inService("dm-1") {
		t.Fatalf("after resume: %+v, dm-1 ran %d times", s, r.w.runCount("dm-1"))
	}
}

func TestRolloutLeavesAnAgentOfflineAsFound(t *testing.T) {
	r := newRig(t, 3, testConfig())
	r.w.offline["dm-2"] = true
	r.upgrade(Request{Canary: CountOf(0), Batch: CountOf(3)})

	// dm-2's agent is offline already, so it does not count against the
	// linux label: dm-1 and dm-2 go together, and dm-3 keeps linux going.
	r.waitPhase(PhaseDone, 3)
	wantLines(t, r.heard.all(),
		"batch 1/2: upgraded dm-1 dm-2; Jenkins agent left offline as it was found: dm-2",
		"batch 2/2: upgraded dm-3",
		"3 of 3 upgraded")
	if calls := r.w.callsFor("dm-2"); slices.Contains(calls, "online dm-2") || !slices.Contains(calls, "maint off dm-2") {
		t.Fatalf("dm-2: calls %q", calls)
	}
}
