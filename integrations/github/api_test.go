package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/integrations/github/githubtest"
)

const (
	testToken = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
	testRepo  = "docker/docker"
)

// fakeClock is the clock of a client and its fake API: sleeping moves it.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return ctx.Err()
}

func (c *fakeClock) sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// apiRig is a client against the fake API, on one fake clock.
type apiRig struct {
	api   *githubtest.Server
	c     *Client
	clock *fakeClock
	reg   *prometheus.Registry
}

// newAPIRig serves the fake under prefix and returns a client of it with
// no gap between writes unless edit sets one.
func newAPIRig(t *testing.T, prefix string, edit func(*APIOptions)) *apiRig {
	t.Helper()
	clock := newFakeClock()
	api := githubtest.New(githubtest.Config{Token: testToken, Prefix: prefix, Now: clock.Now})
	api.AddRepo(testRepo)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	reg := prometheus.NewRegistry()
	opts := APIOptions{Registerer: reg, WriteGap: -1, Now: clock.Now, Sleep: clock.Sleep}
	if edit != nil {
		edit(&opts)
	}
	c, err := NewClient(Config{APIURL: srv.URL + prefix + "/", Token: testToken}, opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return &apiRig{api: api, c: c, clock: clock, reg: reg}
}

// statuses returns the status codes the fake answered, in order.
func (r *apiRig) statuses() []string {
	var out []string
	for _, req := range r.api.Requests() {
		out = append(out, fmt.Sprintf("%s %d", req.Method, req.Status))
	}
	return out
}

// commits makes n commits, the one at merge (when not -1) a merge.
func commits(n, merge int) []githubtest.Commit {
	out := make([]githubtest.Commit, n)
	for i := range out {
		out[i] = githubtest.Commit{SHA: fmt.Sprintf("%040x", i+1), Message: fmt.Sprintf("change %d", i+1),
			Parents: []string{fmt.Sprintf("%040x", i)}}
		if i == merge {
			out[i].Parents = append(out[i].Parents, "c0ffee1234567890abcdef1234567890abcdef12")
		}
	}
	return out
}

func TestClientListsEveryCommit(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		n      int
		pages  int
	}{
		{"one page on github.com", "", 3, 1},
		{"three pages on enterprise", "/api/v3", 230, 3},
		{"capped at 250", "", 300, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newAPIRig(t, tt.prefix, nil)
			r.api.SetPull(testRepo, 14021, commits(tt.n, 1))

			got, err := r.c.PullRequestCommits(context.Background(), testRepo, 14021)
			if err != nil {
				t.Fatalf("PullRequestCommits: %v", err)
			}
			if want := min(tt.n, 250); len(got) != want {
				t.Fatalf("got %d commits, want %d", len(got), want)
			}
			if got[0].Parents != 1 || got[1].Parents != 2 || got[1].Message != "change 2" {
				t.Fatalf("commits: %+v, %+v", got[0], got[1])
			}
			if n := len(r.api.Requests()); n != tt.pages {
				t.Fatalf("%d requests, want %d", n, tt.pages)
			}
		})
	}
}

func TestClientWrites(t *testing.T) {
	r := newAPIRig(t, "", nil)
	r.api.SetPull(testRepo, 14021, commits(1, -1))
	head := commits(1, -1)[0].SHA
	ctx := context.Background()

	long := strings.Repeat("x", 200)
	err := r.c.SetStatus(ctx, testRepo, head, Status{State: StateFailure, Context: "gordon/sign-off",
		Description: long, TargetURL: "https://ci.example.org/job/docker-pr/7/"})
	if err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	if err := r.c.Comment(ctx, testRepo, 14021, "hello"); err != nil {
		t.Fatalf("Comment: %v", err)
	}

	st := r.api.Statuses(testRepo, head)
	if len(st) != 1 || st[0].State != "failure" || len([]rune(st[0].Description)) != 140 ||
		st[0].TargetURL == "" {
		t.Fatalf("statuses: %+v", st)
	}
	if c := r.api.Comments(testRepo, 14021); len(c) != 1 || c[0].Body != "hello" {
		t.Fatalf("comments: %+v", c)
	}
}

func TestClientPermission(t *testing.T) {
	r := newAPIRig(t, "", nil)
	for user, role := range map[string]string{"alice": "admin", "mallory": "maintain", "bob": "write",
		"carol": "read", "trent": "triage"} {
		r.api.SetPermission(testRepo, user, role)
	}

	tests := []struct {
		user, want string
	}{
		{"alice", PermissionAdmin}, {"mallory", PermissionWrite}, {"bob", PermissionWrite},
		{"carol", PermissionRead}, {"trent", PermissionRead}, {"nobody", PermissionNone},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			got, err := r.c.Permission(context.Background(), testRepo, tt.user)
			if err != nil || got != tt.want {
				t.Fatalf("Permission = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestClientReadsConditionally(t *testing.T) {
	r := newAPIRig(t, "", nil)
	r.api.SetPull(testRepo, 14021, commits(2, -1))
	ctx := context.Background()

	first, err := r.c.PullRequestCommits(ctx, testRepo, 14021)
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.c.PullRequestCommits(ctx, testRepo, 14021)
	if err != nil || len(again) != len(first) || again[1].SHA != first[1].SHA {
		t.Fatalf("from the cache: %+v, %v", again, err)
	}
	reqs := r.api.Requests()
	if len(reqs) != 2 || reqs[0].Conditional || !reqs[1].Conditional || reqs[1].Status != http.StatusNotModified {
		t.Fatalf("requests: %+v", reqs)
	}

	// A 304 costs nothing: the window still has one request used.
	if got := metricSum(t, r.reg, "gordon_github_api_rate_remaining"); got != 4999 {
		t.Fatalf("remaining after a 304: %v", got)
	}

	r.api.SetPull(testRepo, 14021, commits(3, -1))
	changed, err := r.c.PullRequestCommits(ctx, testRepo, 14021)
	if err != nil || len(changed) != 3 {
		t.Fatalf("after a change: %d commits, %v", len(changed), err)
	}
}

func TestClientWaitsOutLimits(t *testing.T) {
	tests := []struct {
		name  string
		limit func(r *apiRig)
		sleep time.Duration
		codes []string
	}{
		{
			name:  "primary limit resetting soon",
			limit: func(r *apiRig) { r.api.Exhaust(r.clock.Now().Add(5 * time.Second)) },
			sleep: 6 * time.Second,
			codes: []string{"GET 403", "GET 200"},
		},
		{
			name: "secondary limit with retry-after",
			limit: func(r *apiRig) {
				r.api.AddFault(githubtest.Fault{Path: "/commits", Secondary: true, RetryAfter: 3 * time.Second})
			},
			sleep: 3 * time.Second,
			codes: []string{"GET 403", "GET 200"},
		},
		{
			name: "too many requests, no time given",
			limit: func(r *apiRig) {
				r.api.AddFault(githubtest.Fault{Path: "/commits", Status: http.StatusTooManyRequests})
			},
			codes: []string{"GET 429"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newAPIRig(t, "", nil)
			r.api.SetPull(testRepo, 14021, commits(2, -1))
			tt.limit(r)

			_, err := r.c.PullRequestCommits(context.Background(), testRepo, 14021)
			if tt.sleep == 0 {
				var rl *RateLimitError
				if !errors.As(err, &rl) || !rl.Secondary || !Temporary(err) {
					t.Fatalf("got %v, want a secondary limit beyond the wait", err)
				}
			} else if err != nil {
				t.Fatalf("PullRequestCommits: %v", err)
			}
			if got := fmt.Sprint(r.statuses()); got != fmt.Sprint(tt.codes) {
				t.Fatalf("requests %s, want %s", got, tt.codes)
			}
			if tt.sleep != 0 && fmt.Sprint(r.clock.sleeps()) != fmt.Sprint([]time.Duration{tt.sleep}) {
				t.Fatalf("slept %v, want %v", r.clock.sleeps(), tt.sleep)
			}
		})
	}
}

func TestClientFailsFastOnAFarReset(t *testing.T) {
	r := newAPIRig(t, "", nil)
	r.api.SetPull(testRepo, 14021, commits(2, -1))
	reset := r.clock.Now().Add(40 * time.Minute)
	r.api.Exhaust(reset)
	ctx := context.Background()

	_, err := r.c.PullRequestCommits(ctx, testRepo, 14021)
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Secondary || !Temporary(err) || rl.Until.Before(reset) {
		t.Fatalf("got %v, want the primary limit until %s", err, reset)
	}

	// The limit is known now: the next call is not even sent.
	if err := r.c.Comment(ctx, testRepo, 14021, "x"); !errors.As(err, &rl) {
		t.Fatalf("second call: %v", err)
	}
	if n := len(r.api.Requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	if got := metricSum(t, r.reg, "gordon_github_api_rate_limited_total"); got != 1 {
		t.Fatalf("rate limited counted %v times", got)
	}
	if len(r.clock.sleeps()) != 0 {
		t.Fatalf("slept %v", r.clock.sleeps())
	}
}

func TestClientSpacesWrites(t *testing.T) {
	r := newAPIRig(t, "", func(o *APIOptions) { o.WriteGap = time.Second })
	r.api.SetPull(testRepo, 14021, commits(1, -1))
	ctx := context.Background()

	for i := range 3 {
		if err := r.c.Comment(ctx, testRepo, 14021, fmt.Sprint("note ", i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := fmt.Sprint(r.clock.sleeps()); got != "[1s 1s]" {
		t.Fatalf("slept %s between three writes", got)
	}
	if _, err := r.c.PullRequestCommits(ctx, testRepo, 14021); err != nil || len(r.clock.sleeps()) != 2 {
		t.Fatalf("a read waited: %v, %v", r.clock.sleeps(), err)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name      string
		token     string
		fault     *githubtest.Fault
		number    int
		notFound  bool
		temporary bool
	}{
		{name: "no such pull request", token: testToken, number: 9, notFound: true},
		{name: "bad credentials", token: "ghp_wrong", number: 14021},
		{name: "github failing", token: testToken, number: 14021, temporary: true,
			fault: &githubtest.Fault{Status: http.StatusBadGateway}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newAPIRig(t, "", nil)
			r.api.SetPull(testRepo, 14021, commits(1, -1))
			if tt.fault != nil {
				r.api.AddFault(*tt.fault)
			}
			c := r.c
			if tt.token != testToken {
				c = r.withToken(t, tt.token)
			}

			_, err := c.PullRequestCommits(context.Background(), testRepo, tt.number)
			var api *APIError
			if !errors.As(err, &api) || errors.Is(err, ErrNotFound) != tt.notFound || Temporary(err) != tt.temporary {
				t.Fatalf("got %v (not found %v, temporary %v)", err, errors.Is(err, ErrNotFound), Temporary(err))
			}
			if !strings.HasPrefix(api.Brief(), "GitHub answered ") {
				t.Fatalf("brief %q", api.Brief())
			}
		})
	}
}

func TestNewClientRefuses(t *testing.T) {
	if _, err := NewClient(Config{}, APIOptions{}); !errors.Is(err, ErrNoToken) {
		t.Fatalf("no token: %v", err)
	}
	if _, err := NewClient(Config{Token: "t", APIURL: "gopher://x"}, APIOptions{}); err == nil {
		t.Fatal("a bad api url was taken")
	}
}

// withToken returns a second client of the rig's fake with token.
func (r *apiRig) withToken(t *testing.T, token string) *Client {
	t.Helper()
	srv := httptest.NewServer(r.api)
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{APIURL: srv.URL + "/", Token: token},
		APIOptions{WriteGap: -1, Now: r.clock.Now, Sleep: r.clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// metricSum returns the sum of every series of the metric name in reg.
func metricSum(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}

	sum := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			sum += m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	return sum
}
