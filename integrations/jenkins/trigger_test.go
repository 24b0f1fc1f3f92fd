package jenkins

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/bndr/gojenkins"
)

// TestSecondBuildQueuedWhileFirstWaits is the reason this client posts
// builds itself: gojenkins' BuildJob would trigger nothing for the second
// pull request and report success.
func TestSecondBuildQueuedWhileFirstWaits(t *testing.T) {
	sim := startSim(t, time.Minute)
	c := newTestClient(t, sim.url)
	ctx := context.Background()

	first, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "1207"})
	if err != nil {
		t.Fatalf("first trigger: %v", err)
	}
	second, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "1210"})
	if err != nil {
		t.Fatalf("second trigger: %v", err)
	}

	if first.ID == second.ID || second.Existing {
		t.Fatalf("second build folded into the first: %+v, %+v", first, second)
	}
	if got, want := sim.Waiting("docker-pr"), []int64{first.ID, second.ID}; !slices.Equal(got, want) {
		t.Fatalf("waiting items = %v, want %v", got, want)
	}

	item, err := c.QueueItem(ctx, second.ID)
	if err != nil {
		t.Fatalf("QueueItem: %v", err)
	}
	if !item.Waiting() || item.Params["PR"] != "1210" || item.Job != "docker-pr" {
		t.Fatalf("second item = %+v, want docker-pr PR=1210 waiting", item)
	}
}

// TestGojenkinsBuildJobTriggersNothing shows, against the simulator, the
// gojenkins behaviour the client works around.
func TestGojenkinsBuildJobTriggersNothing(t *testing.T) {
	sim := startSim(t, time.Minute)
	ctx := context.Background()
	jk, err := gojenkins.CreateJenkins(nil, sim.url, testUser, testToken).Init(ctx)
	if err != nil {
		t.Fatalf("gojenkins Init: %v", err)
	}

	if _, err := jk.BuildJob(ctx, "docker-pr", map[string]string{"PR": "1"}); err != nil {
		t.Fatalf("first BuildJob: %v", err)
	}
	id, err := jk.BuildJob(ctx, "docker-pr", map[string]string{"PR": "2"})
	if id != 0 || err != nil {
		t.Fatalf("second BuildJob = %d, %v; gojenkins changed, revisit Trigger", id, err)
	}
	if n := len(sim.Waiting("docker-pr")); n != 1 {
		t.Fatalf("%d items waiting, want 1", n)
	}
}

func TestTriggerSameParamsIsExisting(t *testing.T) {
	sim := startSim(t, time.Minute)
	c := newTestClient(t, sim.url)
	ctx := context.Background()

	first, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "7"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Trigger(ctx, "docker-pr", map[string]string{"pr": "7"})
	if err != nil {
		t.Fatal(err)
	}

	if again.ID != first.ID || !again.Existing || first.Existing {
		t.Fatalf("first %+v, again %+v: want the same item, the second marked existing", first, again)
	}
}

func TestTriggerRefusesBeforePosting(t *testing.T) {
	tests := []struct {
		name   string
		job    string
		params map[string]string
		want   error
	}{
		{"unknown job", "docker-prr", nil, ErrNoSuchJob},
		{"unknown param", "docker-pr", map[string]string{"PR": "1", "COLOR": "red"}, ErrUnknownParam},
		{"params to a job without", "upgrade-node", map[string]string{"NOPE": "1"}, ErrUnknownParam},
		{"bad boolean", "docker-master", map[string]string{"DRY_RUN": "maybe"}, ErrBadParamValue},
		{"bad choice", "upgrade-node", map[string]string{"CHANNEL": "nightly"}, ErrBadParamValue},
		{"same param twice", "docker-pr", map[string]string{"PR": "1", "pr": "2"}, ErrBadParamValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := startSim(t, time.Minute)
			c := newTestClient(t, sim.url)

			_, err := c.Trigger(context.Background(), tt.job, tt.params)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Trigger error = %v, want %v", err, tt.want)
			}
			if posts := postPaths(sim.Server); len(posts) != 0 {
				t.Fatalf("posted %v; want nothing", posts)
			}
		})
	}
}

func TestParamErrorNamesWhatTheJobTakes(t *testing.T) {
	sim := startSim(t, time.Minute)
	c := newTestClient(t, sim.url)

	_, err := c.Trigger(context.Background(), "docker-pr", map[string]string{"PRR": "1"})
	var pe *ParamError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *ParamError", err)
	}
	want := "docker-pr takes no parameter PRR (it takes PR, SHA, NODE, GORDON_USER)"
	if pe.Brief() != want {
		t.Fatalf("Brief() = %q, want %q", pe.Brief(), want)
	}
}

func TestTriggerDisabledJob(t *testing.T) {
	sim := startSim(t, time.Minute)
	sim.AddJob(jobSpecDisabled)
	c := newTestClient(t, sim.url)

	_, err := c.Trigger(context.Background(), jobSpecDisabled.Name, nil)
	if !errors.Is(err, ErrJobDisabled) {
		t.Fatalf("error = %v, want ErrJobDisabled", err)
	}
	if posts := postPaths(sim.Server); len(posts) != 0 {
		t.Fatalf("posted %v; want nothing", posts)
	}
}

func TestQueueBuild(t *testing.T) {
	tests := []struct {
		name     string
		job      string
		params   map[string]string
		node     string
		want     error
		wantSent map[string]string
	}{
		{
			name: "pinned, with who", job: "docker-pr", params: map[string]string{"pr": "12"}, node: "dm-2",
			wantSent: map[string]string{"PR": "12", "NODE": "dm-2", "GORDON_USER": "alice"},
		},
		{
			name: "who overrides a claim", job: "docker-pr", params: map[string]string{"GORDON_USER": "mallory"},
			wantSent: map[string]string{"GORDON_USER": "alice"},
		},
		{name: "no such node", job: "docker-pr", node: "dm-9", want: ErrNoSuchNode},
		{name: "node offline", job: "docker-pr", node: "dm-3", want: ErrNodeOffline},
		{name: "node twice", job: "docker-pr", params: map[string]string{"NODE": "dm-1"}, node: "dm-2", want: ErrBadParamValue},
		{name: "no such job", job: "nope", node: "dm-1", want: ErrNoSuchJob},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := startSim(t, time.Minute)
			if err := sim.SetConnected("dm-3", false); err != nil {
				t.Fatal(err)
			}
			c := newTestClient(t, sim.url)

			id, _, err := c.QueueBuild(context.Background(), tt.job, tt.params, tt.node, "alice")
			if !errors.Is(err, tt.want) {
				t.Fatalf("QueueBuild error = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				if posts := postPaths(sim.Server); len(posts) != 0 {
					t.Fatalf("posted %v; want nothing", posts)
				}
				return
			}
			checkSent(t, c, id, tt.wantSent)
		})
	}
}

// checkSent checks that queue item id carries the parameters in want.
func checkSent(t *testing.T, c *Client, id int64, want map[string]string) {
	t.Helper()
	item, err := c.QueueItem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if item.Params[k] != v {
			t.Errorf("item param %s = %q, want %q (all: %v)", k, item.Params[k], v, item.Params)
		}
	}
}

func TestQueueBuildJobWithoutNodeParam(t *testing.T) {
	sim := startSim(t, time.Minute)
	sim.AddJob(jobSpecPlain)
	c := newTestClient(t, sim.url)

	_, _, err := c.QueueBuild(context.Background(), jobSpecPlain.Name, nil, "dm-1", "alice")
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "NODE" {
		t.Fatalf("error = %v, want a *ParamError about NODE", err)
	}
}

func TestTriggerPlainJobUsesBuild(t *testing.T) {
	sim := startSim(t, time.Minute)
	sim.AddJob(jobSpecPlain)
	c := newTestClient(t, sim.url)

	q, err := c.Trigger(context.Background(), jobSpecPlain.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := postPaths(sim.Server); !slices.Equal(got, []string{"/job/plain/build"}) {
		t.Fatalf("posts = %v, want /job/plain/build", got)
	}
	if q.ID == 0 {
		t.Fatalf("no queue item: %+v", q)
	}
}

func TestTriggerUnreadableLocation(t *testing.T) {
	tests := []struct {
		name     string
		location string
	}{
		{"none", ""},
		{"job page", "http://jenkins/job/docker-pr/"},
		{"bad id", "http://jenkins/queue/item/x/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fixedJenkins(t, tt.location)
			c := newTestClient(t, srv.URL)

			_, err := c.Trigger(context.Background(), "docker-pr", map[string]string{"PR": "1"})
			var oe *OutcomeError
			if !errors.As(err, &oe) || !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("error = %v, want an *OutcomeError", err)
			}
		})
	}
}

// fixedJenkins serves the job of testdata/job.json and answers a build
// with 201 and location.
func fixedJenkins(t *testing.T, location string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /job/docker-pr/api/json", serveFile(t, "testdata/job.json"))
	mux.HandleFunc("GET /queue/api/json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"_class":"hudson.model.Queue","items":[]}`))
	})
	mux.HandleFunc("POST /job/docker-pr/buildWithParameters", func(w http.ResponseWriter, r *http.Request) {
		if location != "" {
			w.Header().Set("Location", location)
		}
		w.WriteHeader(http.StatusCreated)
	})

	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}
