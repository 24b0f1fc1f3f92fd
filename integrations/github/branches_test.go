package github

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/github/githubtest"
)

func TestClientBranch(t *testing.T) {
	const sha = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
	committed := time.Date(2026, 12, 3, 10, 15, 0, 0, time.UTC)
	tests := []struct {
		name   string
		branch string
	}{
		{"master", "master"},
		{"a name with a slash", "release/24.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newAPIRig(t, "", nil)
			r.api.SetBranch(testRepo, githubtest.Branch{Name: tt.branch, SHA: sha, Committed: committed,
				Message: "Merge pull request #4711"})

			got, err := r.c.Branch(context.Background(), testRepo, tt.branch)
			if err != nil {
				t.Fatalf("Branch: %v", err)
			}
			if got.Name != tt.branch || got.SHA != sha || !got.Committed.Equal(committed) {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func TestClientBranchRefused(t *testing.T) {
	tests := []struct {
		name      string
		branch    string
		fault     *githubtest.Fault
		notFound  bool
		temporary bool
	}{
		{name: "no such branch", branch: "main", notFound: true},
		{name: "github failing", branch: "master", temporary: true,
			fault: &githubtest.Fault{Path: "/branches/", Status: http.StatusBadGateway}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newAPIRig(t, "", nil)
			r.api.SetBranch(testRepo, githubtest.Branch{Name: "master", SHA: "1a2b3c4d"})
			if tt.fault != nil {
				r.api.AddFault(*tt.fault)
			}

			_, err := r.c.Branch(context.Background(), testRepo, tt.branch)
			var api *APIError
			if !errors.As(err, &api) || errors.Is(err, ErrNotFound) != tt.notFound || Temporary(err) != tt.temporary {
				t.Fatalf("got %v (not found %v, temporary %v)", err, errors.Is(err, ErrNotFound), Temporary(err))
			}
		})
	}
}

// TestClientBranchWaitsOutLimit: a branch read meets the rate limit as
// every other call does, through go-github's checks.
func TestClientBranchWaitsOutLimit(t *testing.T) {
	r := newAPIRig(t, "", nil)
	r.api.SetBranch(testRepo, githubtest.Branch{Name: "master", SHA: "1a2b3c4d"})
	r.api.AddFault(githubtest.Fault{Path: "/branches/", Secondary: true, RetryAfter: 2 * time.Second})

	got, err := r.c.Branch(context.Background(), testRepo, "master")
	if err != nil || got.SHA != "1a2b3c4d" {
		t.Fatalf("Branch = %+v, %v", got, err)
	}
	if s := r.clock.sleeps(); len(s) != 1 || s[0] < 2*time.Second {
		t.Fatalf("slept %v, want the Retry-After", s)
	}
}
