package github

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/github/githubtest"
)

// day is a publication date of the test releases.
func day(d int) time.Time {
	return time.Date(2026, 11, d, 14, 30, 0, 0, time.UTC)
}

func TestClientReleases(t *testing.T) {
	r := newAPIRig(t, "/api/v3", nil)
	r.api.AddRelease(testRepo, githubtest.Release{Tag: "v24.0.0", Published: day(2)})
	r.api.AddRelease(testRepo, githubtest.Release{Tag: "v24.0.1-rc.1", Prerelease: true, Published: day(20)})
	r.api.AddRelease(testRepo, githubtest.Release{Tag: "v24.0.1", Name: "24.0.1", Draft: true})

	got, err := r.c.Releases(context.Background(), testRepo)
	if err != nil {
		t.Fatalf("Releases: %v", err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d releases, want 3: %+v", len(got), got)
	}

	// GitHub lists drafts first, then the newest published.
	draft, rc, rel := got[0], got[1], got[2]
	if !draft.Draft || !draft.Published.IsZero() || draft.Name != "24.0.1" {
		t.Errorf("draft: %+v", draft)
	}
	if rc.Tag != "v24.0.1-rc.1" || !rc.Prerelease || !rc.Published.Equal(day(20)) ||
		rc.URL != "https://github.com/docker/docker/releases/tag/v24.0.1-rc.1" {
		t.Errorf("pre-release: %+v", rc)
	}
	if rel.Tag != "v24.0.0" || rel.Prerelease || rel.Draft || rel.Name != "v24.0.0" {
		t.Errorf("release: %+v", rel)
	}

	req := r.api.Requests()[0]
	if req.Path != "/repos/docker/docker/releases" || req.Query.Get("per_page") != "100" {
		t.Errorf("request: %+v", req)
	}
}

func TestClientReleasesNone(t *testing.T) {
	r := newAPIRig(t, "", nil)

	got, err := r.c.Releases(context.Background(), testRepo)
	if err != nil || len(got) != 0 {
		t.Fatalf("Releases = %+v, %v; want none", got, err)
	}
}

func TestClientReleasesRefused(t *testing.T) {
	tests := []struct {
		name      string
		repo      string
		fault     *githubtest.Fault
		notFound  bool
		temporary bool
	}{
		{name: "no such repository", repo: "docker/nothing", notFound: true},
		{name: "github failing", repo: testRepo, temporary: true,
			fault: &githubtest.Fault{Path: "/releases", Status: http.StatusServiceUnavailable}},
		{name: "bad credentials", repo: testRepo,
			fault: &githubtest.Fault{Path: "/releases", Status: http.StatusUnauthorized}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newAPIRig(t, "", nil)
			if tt.fault != nil {
				r.api.AddFault(*tt.fault)
			}

			_, err := r.c.Releases(context.Background(), tt.repo)
			var api *APIError
			if !errors.As(err, &api) || errors.Is(err, ErrNotFound) != tt.notFound || Temporary(err) != tt.temporary {
				t.Fatalf("got %v (not found %v, temporary %v)", err, errors.Is(err, ErrNotFound), Temporary(err))
			}
		})
	}
}

// TestClientReleasesUnreachable: GitHub not answering at all is an error
// worth trying again later.
func TestClientReleasesUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	c, err := NewClient(Config{APIURL: srv.URL + "/", Token: testToken}, APIOptions{})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.Releases(context.Background(), testRepo)
	if err == nil || !Temporary(err) {
		t.Fatalf("got %v, want a temporary error", err)
	}
}

func TestClientReleasesConditionally(t *testing.T) {
	r := newAPIRig(t, "", nil)
	r.api.AddRelease(testRepo, githubtest.Release{Tag: "v24.0.0", Published: day(2)})
	ctx := context.Background()

	for range 2 {
		if got, err := r.c.Releases(ctx, testRepo); err != nil || len(got) != 1 {
			t.Fatalf("Releases = %+v, %v", got, err)
		}
	}
	if reqs := r.api.Requests(); len(reqs) != 2 || reqs[1].Status != http.StatusNotModified {
		t.Fatalf("requests: %+v; want the second answered 304", reqs)
	}
}
