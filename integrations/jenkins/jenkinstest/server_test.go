package jenkinstest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bndr/gojenkins"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

const (
	user  = "gordon"
	token = "0123456789abcdef"
)

// clock is a simulator clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// start runs the demo simulator with agents dm-1 and dm-2.
func start(t *testing.T, quiet time.Duration) (*jenkinstest.Server, *clock, string) {
	t.Helper()
	clk := &clock{now: time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC)}
	cfg := jenkinstest.Config{User: user, Token: token, QuietPeriod: quiet, Now: clk.Now}
	sim := jenkinstest.Demo(cfg, []string{"dm-1", "dm-2"})

	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return sim, clk, ts.URL
}

// send makes a request as gordon and returns the status, Location and
// body.
func send(t *testing.T, method, url string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, token)

	resp, err := (&http.Client{CheckRedirect: noRedirect}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), body
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// getJSON reads an API object as plain JSON values.
func getJSON(t *testing.T, url string) map[string]any {
	t.Helper()
	code, _, body := send(t, http.MethodGet, url)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}

	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return v
}

// TestGojenkins drives the simulator with gojenkins' own calls: its
// crumb path, its double-slash build path, labels, nodes, stop.
func TestGojenkins(t *testing.T) {
	sim, clk, url := start(t, 0)
	ctx := context.Background()
	jk, err := gojenkins.CreateJenkins(nil, url, user, token).Init(ctx)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}

	params, err := jk.GetJobObj(ctx, "docker-pr").GetParameters(ctx)
	if err != nil || len(params) != 4 || params[0].Name != "PR" || params[1].Name != "SHA" {
		t.Fatalf("GetParameters = %+v, %v", params, err)
	}

	id, err := jk.BuildJob(ctx, "docker-pr", map[string]string{"PR": "5", "NODE": "dm-2"})
	if err != nil || id == 0 {
		t.Fatalf("BuildJob = %d, %v", id, err)
	}
	job, err := jk.GetJob(ctx, "docker-pr")
	if err != nil {
		t.Fatal(err)
	}
	build, err := jk.GetBuildFromQueueID(ctx, job, id)
	if err != nil || !build.IsRunning(ctx) || build.Raw.BuiltOn != "dm-2" {
		t.Fatalf("GetBuildFromQueueID = %+v, %v", build, err)
	}

	// Jenkins answers stop with a redirect to the build's page, which
	// gojenkins follows and fails to read as JSON: it reports an error
	// for a stop that happened, as it does against Jenkins.
	if ok, err := build.Stop(ctx); ok || err == nil {
		t.Fatalf("Stop = %v, %v; gojenkins changed", ok, err)
	}
	clk.Add(time.Second)
	if _, err := build.Poll(ctx); err != nil || build.GetResult() != jenkinstest.Aborted {
		t.Fatalf("after Stop: %q, %v", build.GetResult(), err)
	}

	checkPaths(t, sim, "/crumbIssuer/api/json/api/json", "/job/docker-pr//4/api/json")
}

// checkPaths checks that the simulator was asked for each path.
func checkPaths(t *testing.T, sim *jenkinstest.Server, paths ...string) {
	t.Helper()
	var seen []string
	for _, r := range sim.Requests() {
		seen = append(seen, r.Path)
	}
	for _, p := range paths {
		if !slices.Contains(seen, p) {
			t.Errorf("no request for %s; saw %v", p, seen)
		}
	}
}

func TestGojenkinsNodesAndLabels(t *testing.T) {
	_, _, url := start(t, 0)
	ctx := context.Background()
	jk, err := gojenkins.CreateJenkins(nil, url, user, token).Init(ctx)
	if err != nil {
		t.Fatal(err)
	}

	nodes, err := jk.GetAllNodes(ctx)
	if err != nil || len(nodes) != 3 || nodes[1].GetName() != "dm-1" {
		t.Fatalf("GetAllNodes = %d nodes, %v", len(nodes), err)
	}
	label, err := jk.GetLabel(ctx, "docker")
	if err != nil || len(label.GetNodes()) != 2 {
		t.Fatalf("GetLabel = %+v, %v", label, err)
	}

	node, err := jk.GetNode(ctx, "dm-1")
	if err != nil {
		t.Fatal(err)
	}
	// As for stop, gojenkins fails on the page it is redirected to.
	if ok, err := node.ToggleTemporarilyOffline(ctx, "disk full"); ok || err == nil {
		t.Fatalf("ToggleTemporarilyOffline = %v, %v; gojenkins changed", ok, err)
	}
	if _, err := node.Poll(ctx); err != nil || node.Raw.OfflineCauseReason != "disk full" || !node.Raw.Offline {
		t.Fatalf("node after toggle = %+v", node.Raw)
	}
}

func TestAuthentication(t *testing.T) {
	_, _, url := start(t, 0)
	tests := []struct {
		name        string
		user, token string
		code        int
	}{
		{"anonymous", "", "", http.StatusForbidden},
		{"wrong token", user, "nope", http.StatusUnauthorized},
		{"wrong user", "mallory", token, http.StatusUnauthorized},
		{"right", user, token, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, url+"/api/json", nil)
			if tt.user != "" {
				req.SetBasicAuth(tt.user, tt.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.code {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.code)
			}
		})
	}
}

func TestBuildWithParametersAnswers(t *testing.T) {
	sim, _, url := start(t, time.Minute)
	sim.AddJob(jenkinstest.JobSpec{Name: "plain"})
	tests := []struct {
		name     string
		method   string
		path     string
		code     int
		location string
	}{
		{"queued", "POST", "/job/docker-pr/buildWithParameters?PR=1", http.StatusCreated, "/queue/item/101/"},
		{"folded", "POST", "/job/docker-pr/buildWithParameters?PR=1&IGNORED=x", http.StatusCreated, "/queue/item/101/"},
		{"another", "POST", "/job/docker-pr/buildWithParameters?PR=2", http.StatusCreated, "/queue/item/102/"},
		{"build of a plain job", "POST", "/job/plain/build", http.StatusCreated, "/queue/item/103/"},
		{"params to a plain job", "POST", "/job/plain/buildWithParameters", http.StatusInternalServerError, ""},
		{"build of a parameterized job", "POST", "/job/docker-pr/build", http.StatusBadRequest, ""},
		{"bad choice", "POST", "/job/upgrade-node/buildWithParameters?CHANNEL=x", http.StatusBadRequest, ""},
		{"GET", "GET", "/job/docker-pr/buildWithParameters?PR=1", http.StatusMethodNotAllowed, ""},
		{"unknown job", "POST", "/job/nope/buildWithParameters", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, loc, body := send(t, tt.method, url+tt.path)
			if code != tt.code || !strings.HasSuffix(loc, tt.location) || (tt.location == "") != (loc == "") {
				t.Fatalf("%d %q (%s), want %d %q", code, loc, body, tt.code, tt.location)
			}
		})
	}
}

func TestQueueLifecycle(t *testing.T) {
	sim, clk, url := start(t, 10*time.Second)
	sim.AddJob(jenkinstest.JobSpec{Name: "serial", Params: []jenkinstest.ParamSpec{{Name: "N"}}})

	for _, n := range []string{"1", "2"} {
		if code, _, _ := send(t, "POST", url+"/job/serial/buildWithParameters?N="+n); code != http.StatusCreated {
			t.Fatalf("queue N=%s: %d", n, code)
		}
	}
	item := getJSON(t, url+"/queue/item/102/api/json")
	if item["_class"] != "hudson.model.Queue$WaitingItem" || !strings.HasPrefix(item["why"].(string), "In the quiet period") {
		t.Fatalf("item in quiet period = %v", item)
	}

	clk.Add(10 * time.Second)
	item = getJSON(t, url+"/queue/item/102/api/json")
	if item["_class"] != "hudson.model.Queue$BlockedItem" || item["why"] != "Build #1 is already in progress (ETA: N/A)" {
		t.Fatalf("item behind a running build = %v", item)
	}

	if err := sim.Finish("serial", 1, jenkinstest.Failure); err != nil {
		t.Fatal(err)
	}
	item = getJSON(t, url+"/queue/item/102/api/json")
	exe, _ := item["executable"].(map[string]any)
	if item["_class"] != "hudson.model.Queue$LeftItem" || exe["number"] != 2.0 {
		t.Fatalf("item after the build ended = %v", item)
	}
}

func TestCancelItemAnswers(t *testing.T) {
	_, clk, url := start(t, time.Minute)
	send(t, "POST", url+"/job/docker-pr/buildWithParameters?PR=1")
	send(t, "POST", url+"/job/docker-pr/buildWithParameters?PR=2")
	clk.Add(time.Hour)
	send(t, "POST", url+"/job/docker-pr/buildWithParameters?PR=3")

	tests := []struct {
		name string
		id   string
		code int
	}{
		{"waiting", "103", http.StatusNoContent},
		{"started", "101", http.StatusUnprocessableEntity},
		{"cancelled", "103", http.StatusUnprocessableEntity},
		{"unknown", "999", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, body := send(t, "POST", url+"/queue/cancelItem?id="+tt.id); code != tt.code {
				t.Fatalf("status %d (%s), want %d", code, body, tt.code)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	sim, _, url := start(t, time.Minute)
	sim.AddFault(jenkinstest.Fault{Method: "POST", Path: "/job/docker-pr/", Status: http.StatusServiceUnavailable, Count: 1})

	if code, _, _ := send(t, "POST", url+"/job/docker-pr/buildWithParameters?PR=1"); code != http.StatusServiceUnavailable {
		t.Fatalf("faulted post: %d", code)
	}
	if n := len(sim.Waiting("docker-pr")); n != 0 {
		t.Fatalf("%d items queued by a failed request", n)
	}
	if code, _, _ := send(t, "POST", url+"/job/docker-pr/buildWithParameters?PR=1"); code != http.StatusCreated {
		t.Fatalf("post after the fault was used up: %d", code)
	}
}
