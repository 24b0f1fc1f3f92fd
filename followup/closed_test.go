package followup

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// hook records what OnClose hears.
type hook struct {
	mu     sync.Mutex
	closed []Closed
}

func (h *hook) onClose(ctx context.Context, c Closed) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = append(h.closed, c)
}

func (h *hook) take() []Closed {
	h.mu.Lock()
	defer h.mu.Unlock()
	got := h.closed
	h.closed = nil
	return got
}

// withHook gives the rig an engine whose OnClose is a new hook.
func (r *rig) withHook(t *testing.T, onClose func(context.Context, Closed)) {
	t.Helper()
	e, err := New(Options{Config: Config{MaxRequestsPerSecond: 1000}, Jenkins: r.j, Store: r.store,
		Now: r.clock.Now, OnClose: onClose})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r.e = e
}

func TestOnCloseHearsEveryEnd(t *testing.T) {
	tests := []struct {
		name    string
		act     func(r *rig)
		outcome string
		build   int64
		url     string
	}{
		{
			name: "build ended",
			act: func(r *rig) {
				n := r.j.start(101, r.clock.Now())
				r.j.finish("docker-pr", n, "FAILURE", time.Minute)
			},
			outcome: "failure", build: 1, url: "http://jenkins/job/docker-pr/1/",
		},
		{
			name:    "cancelled in the queue",
			act:     func(r *rig) { r.j.cancel(101) },
			outcome: OutcomeCancelled,
		},
		{
			name:    "waited too long",
			act:     func(r *rig) { r.clock.Add(12 * time.Hour) },
			outcome: OutcomeGaveUp,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			h := &hook{}
			r.withHook(t, h.onClose)
			r.follow(t, 101, "docker-pr", 1234)

			tt.act(r)
			r.poll(t)
			got := h.take()
			if len(got) != 1 {
				t.Fatalf("heard %d closes, want 1", len(got))
			}
			c := got[0]
			if c.Outcome != tt.outcome || c.Record.QueueID != 101 || c.Record.PR != 1234 ||
				c.Build.Number != tt.build || c.Record.URL != tt.url {
				t.Fatalf("heard %+v", c)
			}
		})
	}
}

func TestOnCloseWaitsForTheLines(t *testing.T) {
	r := newRig(t)
	h := &hook{}
	r.withHook(t, h.onClose)
	r.follow(t, 101, "docker-pr", 1234)
	n := r.j.start(101, r.clock.Now())
	r.j.finish("docker-pr", n, "SUCCESS", time.Minute)

	r.out.err = errors.New("replier closed")
	r.poll(t)
	if got := h.take(); len(got) != 0 {
		t.Fatalf("heard %+v before the lines were handed over", got)
	}

	r.out.err = nil
	r.poll(t)
	if got := h.take(); len(got) != 1 || got[0].Outcome != "success" || got[0].Build.URL == "" {
		t.Fatalf("heard %+v", got)
	}
	same(t, "stored", r.stored(t), nil)
}

func TestOnClosePanicIsContained(t *testing.T) {
	r := newRig(t)
	r.withHook(t, func(context.Context, Closed) { panic("hook bug") })
	r.follow(t, 101, "docker-pr", 1234)
	r.j.cancel(101)

	same(t, "lines", r.poll(t), []string{"#fleet alice: docker-pr for PR 1234 (queue item 101) was cancelled before it started"})
	same(t, "stored", r.stored(t), nil)
}
