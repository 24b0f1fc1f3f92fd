package upgrade

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/store"
)

// fakeSource answers named targets from a table and records what it
// was asked.
type fakeSource struct {
	answers map[string]Resolved
	err     error
	asked   []string
}

func (s *fakeSource) Resolve(ctx context.Context, name string) (Resolved, error) {
	s.asked = append(s.asked, name)
	if s.err != nil {
		return Resolved{}, s.err
	}
	return s.answers[name], nil
}

// newPlanner returns an Upgrader over dm-1 to dm-4 at 23.0.0 that works
// out named targets with src; Plan needs no Run.
func newPlanner(t *testing.T, src VersionSource) *Upgrader {
	t.Helper()
	w := newWorld(fleetOf(4))
	u, err := New(Options{Config: testConfig(), Fleet: w, Agents: w, Control: w, Maintenance: w, Health: w,
		Runner: w, Store: store.NewMemory(), Versions: src, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return u
}

const (
	masterVersion = "0.0.0-20261203101500-1a2b3c4"
	masterURL     = "https://master.example.org/linux/amd64/docker-1a2b3c4d5e6f.tgz"
)

func TestPlanNamedTarget(t *testing.T) {
	src := &fakeSource{answers: map[string]Resolved{
		TargetRC: {Version: "v24.0.0-rc.2", From: "newest pre-release v24.0.0-rc.2 of docker/docker, published 2026-11-30"},
		TargetMaster: {Version: masterVersion, URL: masterURL,
			From: "head of master of moby/moby, 1a2b3c4, committed 2026-12-03"},
	}}
	tests := []struct {
		name, target string
		version, url string
		first        string
	}{
		{name: "rc", target: "rc", version: "24.0.0-rc.2",
			first: "rc is 24.0.0-rc.2: newest pre-release v24.0.0-rc.2 of docker/docker, published 2026-11-30"},
		{name: "master, written in capitals", target: "MASTER", version: masterVersion, url: masterURL,
			first: "master is " + masterVersion + ": head of master of moby/moby, 1a2b3c4, committed 2026-12-03; " +
				"build " + masterURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := newPlanner(t, src).Plan(context.Background(), Request{Version: tt.target})
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			if p.Version != tt.version || p.URL != tt.url || p.Named != strings.ToLower(tt.target) {
				t.Fatalf("plan %s at %q from %q, named %q", p.Version, p.URL, p.From, p.Named)
			}
			for _, b := range p.Batches {
				for _, target := range b.Targets {
					if target.Version != tt.version || target.URL != tt.url {
						t.Fatalf("target %+v", target)
					}
				}
			}
			lines := p.Lines()
			plan := "upgrade to " + tt.version + " (the whole fleet): 4 nodes"
			if lines[0] != tt.first || !strings.HasPrefix(lines[1], plan) {
				t.Fatalf("lines:\n%s", strings.Join(lines, "\n"))
			}
		})
	}
}

// TestPlanExplicitVersionAsksNoSource: a version named as such is not
// worked out, and its plan says nothing of a source.
func TestPlanExplicitVersionAsksNoSource(t *testing.T) {
	src := &fakeSource{}
	p, err := newPlanner(t, src).Plan(context.Background(), Request{Version: "v24.0.1"})
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if len(src.asked) != 0 || p.Named != "" || p.From != "" || strings.HasPrefix(p.Lines()[0], "24.0.1 is") {
		t.Fatalf("asked %v; plan %+v", src.asked, p)
	}
}

func TestPlanNamedTargetRefused(t *testing.T) {
	down := &SourceError{Name: "rc", Brief: "GitHub answered 503 Service Unavailable", Err: errors.New("503")}
	tests := []struct {
		name string
		src  VersionSource
		want string // the kind of error: request, source or other
	}{
		{name: "not set up", src: nil, want: "request"},
		{name: "nothing to roll", src: &fakeSource{err: &RequestError{Reason: "no pre-release"}}, want: "request"},
		{name: "github down", src: &fakeSource{err: down}, want: "source"},
		{name: "a source making no version", want: "other",
			src: &fakeSource{answers: map[string]Resolved{TargetRC: {Version: "nightly"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newPlanner(t, tt.src).Plan(context.Background(), Request{Version: "rc"})
			var req *RequestError
			var src *SourceError
			got := "other"
			switch {
			case err == nil:
				t.Fatal("planned")
			case errors.As(err, &req):
				got = "request"
			case errors.As(err, &src):
				got = "source"
			}
			if got != tt.want {
				t.Fatalf("got %v, a %s error; want a %s error", err, got, tt.want)
			}
		})
	}
}
