package versions_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/versions"
	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/integrations/github/githubtest"
)

const (
	token   = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
	repo    = "docker/docker"
	headSHA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
)

// day is a publication date of the test releases.
func day(d int) time.Time {
	return time.Date(2026, 11, d, 14, 30, 0, 0, time.UTC)
}

// fakeAPI serves a fake GitHub holding repo, with no releases yet.
func fakeAPI(t *testing.T) (*githubtest.Server, string) {
	t.Helper()
	api := githubtest.New(githubtest.Config{Token: token})
	api.AddRepo(repo)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv.URL + "/"
}

// newSource returns a Source over the GitHub API at apiURL with rc and
// master both set up.
func newSource(t *testing.T, apiURL string) *versions.Source {
	t.Helper()
	c, err := github.NewClient(github.Config{APIURL: apiURL, Token: token}, github.APIOptions{MaxWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s, err := versions.New(versions.Options{
		RC: versions.RCConfig{Repo: repo,
			URL: "https://download.example.org/linux/static/test/x86_64/docker-{{.Version}}.tgz"},
		Master: versions.MasterConfig{Repo: repo,
			URL: "https://master.example.org/linux/amd64/docker-{{.SHA}}.tgz"},
		GitHub: c,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestResolveRC(t *testing.T) {
	tests := []struct {
		name     string
		releases []githubtest.Release
		want     upgrade.Resolved
		refusal  string // a *upgrade.RequestError containing this
	}{
		{
			name: "a pre-release newer than the newest release",
			releases: []githubtest.Release{
				{Tag: "v23.0.6", Published: day(1)},
				{Tag: "v24.0.0", Published: day(10)},
				{Tag: "v24.0.1-rc.1", Prerelease: true, Published: day(20)},
				{Tag: "v24.0.1-rc.2", Prerelease: true, Published: day(28)},
				// Published later, but an older line's candidate.
				{Tag: "v23.0.7-rc.1", Prerelease: true, Published: day(29)},
				{Tag: "v24.0.1-rc.3", Prerelease: true, Draft: true},
				{Tag: "nightly", Prerelease: true, Published: day(30)},
			},
			want: upgrade.Resolved{Version: "24.0.1-rc.2",
				URL:  "https://download.example.org/linux/static/test/x86_64/docker-24.0.1-rc.2.tgz",
				From: "newest pre-release v24.0.1-rc.2 of docker/docker, published 2026-11-28"},
		},
		{
			name: "pre-releases only",
			releases: []githubtest.Release{
				{Tag: "v25.0.0-beta.1", Prerelease: true, Published: day(3)},
			},
			want: upgrade.Resolved{Version: "25.0.0-beta.1",
				URL:  "https://download.example.org/linux/static/test/x86_64/docker-25.0.0-beta.1.tgz",
				From: "newest pre-release v25.0.0-beta.1 of docker/docker, published 2026-11-03"},
		},
		{
			name: "no pre-release at all",
			releases: []githubtest.Release{
				{Tag: "v24.0.0", Published: day(10)},
			},
			refusal: "docker/docker has no pre-release among its latest releases (the newest release is v24.0.0)",
		},
		{
			name: "the release is out",
			releases: []githubtest.Release{
				{Tag: "v24.0.1-rc.2", Prerelease: true, Published: day(20)},
				{Tag: "v24.0.1", Published: day(28)},
			},
			refusal: "docker/docker has no pre-release newer than its release v24.0.1 " +
				"(the newest pre-release is v24.0.1-rc.2); say upgrade 24.0.1 to roll the release",
		},
		{
			name:    "no release at all",
			refusal: "docker/docker has no published release tagged with a version",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, url := fakeAPI(t)
			for _, r := range tt.releases {
				api.AddRelease(repo, r)
			}

			got, err := newSource(t, url).Resolve(context.Background(), upgrade.TargetRC)
			if tt.refusal != "" {
				var req *upgrade.RequestError
				if !errors.As(err, &req) || !strings.Contains(req.Reason, tt.refusal) {
					t.Fatalf("got %+v, %v; want a refusal saying %q", got, err, tt.refusal)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, tt.want)
			}
		})
	}
}

func TestResolveMaster(t *testing.T) {
	api, url := fakeAPI(t)
	api.SetBranch(repo, githubtest.Branch{Name: "master", SHA: headSHA,
		Committed: time.Date(2026, 12, 3, 10, 15, 0, 0, time.UTC)})

	got, err := newSource(t, url).Resolve(context.Background(), upgrade.TargetMaster)
	want := upgrade.Resolved{
		Version: "0.0.0-20261203101500-1a2b3c4",
		URL:     "https://master.example.org/linux/amd64/docker-" + headSHA + ".tgz",
		From:    "master of docker/docker at 1a2b3c4, committed 2026-12-03 10:15 UTC",
	}
	if err != nil || got != want {
		t.Fatalf("got %+v, %v\nwant %+v", got, err, want)
	}
	if _, err := upgrade.ParseVersion(got.Version); err != nil {
		t.Fatalf("the master version is no version: %v", err)
	}
}

// TestResolveGitHubDown: whatever keeps GitHub from answering is a
// *upgrade.SourceError with a few words for the person.
func TestResolveGitHubDown(t *testing.T) {
	tests := []struct {
		name   string
		target string
		setup  func(api *githubtest.Server) // nil: nothing listens
		brief  string
	}{
		{name: "releases failing", target: upgrade.TargetRC, brief: "GitHub answered 503 Service Unavailable",
			setup: func(api *githubtest.Server) {
				api.AddFault(githubtest.Fault{Path: "/releases", Status: http.StatusServiceUnavailable, Times: 5})
			}},
		{name: "branch failing", target: upgrade.TargetMaster, brief: "GitHub answered 502 Bad Gateway",
			setup: func(api *githubtest.Server) {
				api.AddFault(githubtest.Fault{Path: "/branches/", Status: http.StatusBadGateway, Times: 5})
			}},
		{name: "no such branch", target: upgrade.TargetMaster,
			brief: "GitHub has no branch master in docker/docker, or the token may not see it",
			setup: func(api *githubtest.Server) {}},
		{name: "rate limit far off", target: upgrade.TargetRC, brief: "GitHub's rate limit reached; it lifts at",
			setup: func(api *githubtest.Server) { api.Exhaust(time.Now().Add(time.Hour)) }},
		{name: "nothing listening", target: upgrade.TargetRC, brief: "GitHub could not be reached"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, url := fakeAPI(t)
			if tt.setup != nil {
				tt.setup(api)
			} else {
				srv := httptest.NewServer(http.NotFoundHandler())
				url = srv.URL + "/"
				srv.Close()
			}

			_, err := newSource(t, url).Resolve(context.Background(), tt.target)
			var src *upgrade.SourceError
			if !errors.As(err, &src) || src.Name != tt.target || !strings.HasPrefix(src.Brief, tt.brief) {
				t.Fatalf("got %v; want a source error for %s saying %q", err, tt.target, tt.brief)
			}
		})
	}
}

func TestResolveNotSetUp(t *testing.T) {
	s, err := versions.New(versions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{upgrade.TargetRC, upgrade.TargetMaster} {
		_, err := s.Resolve(context.Background(), target)
		var req *upgrade.RequestError
		if !errors.As(err, &req) || !strings.Contains(req.Reason, "not set up") {
			t.Fatalf("%s: got %v", target, err)
		}
	}
}

// TestNewNeedsGitHub: a target set up with nothing to ask is refused at
// start, not at the first upgrade.
func TestNewNeedsGitHub(t *testing.T) {
	_, err := versions.New(versions.Options{RC: versions.RCConfig{Repo: repo}})
	if err == nil || !strings.Contains(err.Error(), "github api client is required") {
		t.Fatalf("got %v", err)
	}
}
