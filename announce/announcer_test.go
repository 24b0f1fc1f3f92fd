package announce

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/gordonbot/gordon/commands"
)

// replies is a commands.Replier that records what it is sent, or fails.
type replies struct {
	mu   sync.Mutex
	sent []commands.Reply
	err  error
}

var _ commands.Replier = (*replies)(nil)

func (r *replies) Send(ctx context.Context, reply commands.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()

	if r.err != nil {
		return r.err
	}
	r.sent = append(r.sent, reply)
	return nil
}

func (r *replies) targets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()

	var out []string
	for _, s := range r.sent {
		out = append(out, s.Target)
	}
	return out
}

func newAnnouncer(t *testing.T, out commands.Replier, routes ...Route) *Announcer {
	t.Helper()

	cfg := Config{Routes: routes}
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("routes: %v", err)
	}
	a, err := New(cfg, out, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestHandleEventRoutes(t *testing.T) {
	routes := []Route{
		{Repos: []string{"docker/docker"}, Events: []string{EventPush, EventPullRequest}, Branches: []string{"master"}, Channel: "#fleet"},
		{Repos: []string{"docker/*"}, Events: []string{EventRelease}, Channel: "#releases"},
		{Repos: []string{"docker/docker"}, Actions: []string{"merged", "prereleased"}, Channel: "#FLEET"},
		{Repos: []string{"moby/*"}, Channel: "#moby"},
	}
	tests := []struct {
		name  string
		event string
		file  string
		want  []string
	}{
		{"push to master", "push", "push.json", []string{"#fleet"}},
		{"push to a release branch", "push", "push_forced.json", []string{"#FLEET"}},
		{"merged, one line per channel", "pull_request", "pull_request_merged.json", []string{"#fleet"}},
		{"opened on a release branch", "pull_request", "pull_request_opened_hostile.json", nil},
		{"release", "release", "release_published.json", []string{"#releases"}},
		{"release candidate", "release", "release_prerelease.json", []string{"#releases", "#FLEET"}},
		{"failed status", "status", "status_failure.json", []string{"#FLEET"}},
		{"passing status", "status", "status_success.json", nil},
		{"issue", "issues", "issues_opened.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &replies{}
			a := newAnnouncer(t, out, routes...)
			if err := a.HandleEvent(context.Background(), event(t, tt.event, tt.file)); err != nil {
				t.Fatal(err)
			}

			got := out.targets()
			if len(got) != len(tt.want) {
				t.Fatalf("sent to %q, want %q", got, tt.want)
			}
			for i := range got {
				r := out.sent[i]
				if got[i] != tt.want[i] || len(r.Lines) != 1 || r.Priority != commands.PriorityAnnounce || r.Private {
					t.Fatalf("reply %d: %+v, want one announcement to %s", i, r, tt.want[i])
				}
			}
		})
	}
}

func TestHandleEventReportsAReplierThatFails(t *testing.T) {
	errClosed := errors.New("session closed")
	reg := prometheus.NewRegistry()
	cfg := Config{Routes: []Route{{Repos: []string{"*"}, Channel: "#fleet"}}}
	cfg.Defaults()
	a, err := New(cfg, &replies{err: errClosed}, nil, reg)
	if err != nil {
		t.Fatal(err)
	}

	err = a.HandleEvent(context.Background(), event(t, "push", "push.json"))
	if !errors.Is(err, errClosed) {
		t.Fatalf("got %v, want the replier's error", err)
	}
	if n := testutil.ToFloat64(a.metrics.failed); n != 1 {
		t.Fatalf("failures counted %v", n)
	}
}
