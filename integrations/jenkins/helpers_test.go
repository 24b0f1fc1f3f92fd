package jenkins

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

const (
	testUser  = "gordon"
	testToken = "11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7"
)

// testClock is the simulator's clock in tests: it moves only when told,
// or by step at each reading.
type testClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now
	c.now = c.now.Add(c.step)
	return t
}

// Step makes each reading move the clock on by d.
func (c *testClock) Step(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.step = d
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// simulator is a running Jenkins simulator with its clock.
type simulator struct {
	*jenkinstest.Server
	clock *testClock
	url   string
}

// startSim starts the demo simulator with agents dm-1, dm-2 and dm-3, a
// quiet period of quiet, and a clock that stands still.
func startSim(t *testing.T, quiet time.Duration) *simulator {
	t.Helper()
	clock := newTestClock()
	cfg := jenkinstest.Config{User: testUser, Token: testToken, QuietPeriod: quiet, Now: clock.Now}
	srv := jenkinstest.Demo(cfg, []string{"dm-1", "dm-2", "dm-3"})

	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &simulator{Server: srv, clock: clock, url: ts.URL}
}

// testConfig is a client configuration for url with short waits.
func testConfig(url string) Config {
	return Config{
		URL:             url,
		User:            testUser,
		Token:           testToken,
		PRJobs:          []string{"docker-pr", "docker-pr-experimental"},
		Timeout:         5 * time.Second,
		PollInterval:    time.Millisecond,
		PollMaxInterval: 4 * time.Millisecond,
		QueueLimit:      10 * time.Second,
		BuildLimit:      10 * time.Second,
	}
}

// newTestClient returns a client of url, with cfg changed by edits.
func newTestClient(t *testing.T, url string, edits ...func(*Config)) *Client {
	t.Helper()
	cfg := testConfig(url)
	for _, edit := range edits {
		edit(&cfg)
	}

	c, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.retryWait = time.Millisecond
	return c
}

// postPaths returns the paths of the POSTs the simulator received.
func postPaths(s *jenkinstest.Server) []string {
	var paths []string
	for _, r := range s.Posts() {
		paths = append(paths, r.Path)
	}
	return paths
}

// Jobs that the demo set lacks.
var (
	jobSpecPlain    = jenkinstest.JobSpec{Name: "plain", Concurrent: true}
	jobSpecDisabled = jenkinstest.JobSpec{Name: "retired", Disabled: true}
)

// serveFile answers with the JSON file at path, as Jenkins would.
func serveFile(t *testing.T, path string) http.HandlerFunc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Write(data)
	}
}
