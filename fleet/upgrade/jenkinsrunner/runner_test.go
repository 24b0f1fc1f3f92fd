package jenkinsrunner

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

const (
	testUser  = "gordon"
	testToken = "0123456789abcdef0123456789abcdef"
)

var dm1 = upgrade.Target{Node: "dm-1", Address: "10.0.0.1", Version: "24.0.1"}

// fleetJenkins is the Jenkins simulator with two agents, dm-1 (a fleet
// node) and deploy (where jobs that reach nodes themselves run), and a
// client of it that polls fast.
type fleetJenkins struct {
	sim    *jenkinstest.Server
	client *jenkins.Client
}

func startJenkins(t *testing.T, jobs ...jenkinstest.JobSpec) *fleetJenkins {
	t.Helper()
	sim := jenkinstest.New(jenkinstest.Config{User: testUser, Token: testToken})
	sim.AddComputer(jenkinstest.ComputerSpec{Name: "dm-1", Labels: []string{"docker"}})
	sim.AddComputer(jenkinstest.ComputerSpec{Name: "deploy", Labels: []string{"deploy"}})
	for _, j := range jobs {
		sim.AddJob(j)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)

	client, err := jenkins.New(jenkins.Config{
		URL: srv.URL, User: testUser, Token: testToken, Timeout: 5 * time.Second,
		PollInterval: time.Millisecond, PollMaxInterval: 10 * time.Millisecond,
		QueueLimit: 5 * time.Second, BuildLimit: 5 * time.Second,
	}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return &fleetJenkins{sim: sim, client: client}
}

// pinnedJob runs on the node NODE names, ending with results in turn.
func pinnedJob(results ...string) jenkinstest.JobSpec {
	return jenkinstest.JobSpec{
		Name: "upgrade-node", Concurrent: true, Duration: 20 * time.Millisecond, Results: results,
		NodeParam: "NODE",
		Params:    []jenkinstest.ParamSpec{{Name: "VERSION"}, {Name: "NODE"}, {Name: "GORDON_USER"}},
	}
}

// deployJob runs on the deploy agent and is told the node in TARGET.
func deployJob(results ...string) jenkinstest.JobSpec {
	return jenkinstest.JobSpec{
		Name: "upgrade-remote", Concurrent: true, Duration: 20 * time.Millisecond, Results: results,
		NodeParam: "AGENT",
		Params: []jenkinstest.ParamSpec{{Name: "VERSION"}, {Name: "TARGET"}, {Name: "BUILD_URL_TO_INSTALL"},
			{Name: "AGENT", Default: "deploy"}},
	}
}

func newRunner(t *testing.T, cfg Config, j Jenkins) *Runner {
	t.Helper()
	r, err := New(cfg, j, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// lastTrigger returns the form of the last trigger the simulator got.
func lastTrigger(t *testing.T, sim *jenkinstest.Server) map[string]string {
	t.Helper()
	var form map[string]string
	for _, p := range sim.Posts() {
		if strings.HasSuffix(p.Path, "/buildWithParameters") {
			form = map[string]string{}
			for k := range p.Form {
				form[k] = p.Form.Get(k)
			}
		}
	}
	if form == nil {
		t.Fatal("nothing was triggered")
	}
	return form
}

func TestRunPinnedToTheNode(t *testing.T) {
	j := startJenkins(t, pinnedJob(jenkinstest.Success))
	r := newRunner(t, Config{Job: "upgrade-node", Pin: true}, j.client)

	res, err := r.Run(context.Background(), dm1)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.HasPrefix(res.Output, "upgrade-node #1 SUCCESS http://") ||
		!strings.HasSuffix(res.Output, "/job/upgrade-node/1/") || res.Took <= 0 {
		t.Fatalf("Result = %+v", res)
	}

	b, err := j.client.Build(context.Background(), "upgrade-node", 1)
	if err != nil || b.BuiltOn != "dm-1" || b.Params["VERSION"] != "24.0.1" || b.Params["NODE"] != "dm-1" {
		t.Fatalf("the build ran on %q with %v (%v)", b.BuiltOn, b.Params, err)
	}
}

func TestRunFailingBuild(t *testing.T) {
	for _, result := range []string{jenkinstest.Failure, jenkinstest.Unstable, jenkinstest.Aborted} {
		t.Run(result, func(t *testing.T) {
			j := startJenkins(t, pinnedJob(result))
			r := newRunner(t, Config{Job: "upgrade-node", Pin: true}, j.client)

			res, err := r.Run(context.Background(), dm1)
			var be *BuildError
			if !errors.As(err, &be) || be.Result != result || be.Number != 1 || be.Node != "dm-1" {
				t.Fatalf("Run = %v, want a BuildError for %s", err, result)
			}
			want := "upgrade-node #1 for dm-1 ended " + result + ": " + be.URL
			if err.Error() != want || !strings.HasSuffix(be.URL, "/job/upgrade-node/1/") {
				t.Fatalf("error %q, want %q", err, want)
			}
			if !strings.Contains(res.Output, result) || !strings.Contains(res.Output, be.URL) {
				t.Fatalf("output %q", res.Output)
			}
		})
	}
}

func TestRunPinnedRefusesAnOfflineAgent(t *testing.T) {
	j := startJenkins(t, pinnedJob(jenkinstest.Success))
	if _, err := j.client.SetOffline(context.Background(), "dm-1", "upgrading to 24.0.1"); err != nil {
		t.Fatal(err)
	}
	r := newRunner(t, Config{Job: "upgrade-node", Pin: true}, j.client)

	_, err := r.Run(context.Background(), dm1)
	if !errors.Is(err, jenkins.ErrNodeOffline) || !strings.Contains(err.Error(), "set pin = false and node_param") {
		t.Fatalf("Run = %v, want ErrNodeOffline with what to do", err)
	}
	for _, p := range j.sim.Posts() {
		if strings.HasSuffix(p.Path, "/buildWithParameters") {
			t.Fatal("a build was queued for an offline agent")
		}
	}
}

func TestRunOnAnotherAgent(t *testing.T) {
	j := startJenkins(t, deployJob(jenkinstest.Success))
	// The Upgrader takes the node's own agent offline before its runner.
	if _, err := j.client.SetOffline(context.Background(), "dm-1", "upgrading to 24.0.1"); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Job: "upgrade-remote", NodeParam: "TARGET", URLParam: "BUILD_URL_TO_INSTALL"}
	r := newRunner(t, cfg, j.client)

	target := dm1
	target.Version, target.URL = "24.1.0-dev", "https://master.example.org/abc123/docker.tgz"
	if _, err := r.Run(context.Background(), target); err != nil {
		t.Fatalf("Run: %v", err)
	}

	form := lastTrigger(t, j.sim)
	if form["TARGET"] != "dm-1" || form["VERSION"] != "24.1.0-dev" || form["BUILD_URL_TO_INSTALL"] != target.URL {
		t.Fatalf("triggered with %v", form)
	}
	if b, _ := j.client.Build(context.Background(), "upgrade-remote", 1); b.BuiltOn != "deploy" {
		t.Fatalf("the build ran on %q, want deploy", b.BuiltOn)
	}
}

func TestRunFollowsABuildStillRunning(t *testing.T) {
	spec := pinnedJob()
	spec.Duration = 0 // runs until Finish
	j := startJenkins(t, spec)
	n, err := j.sim.AddBuild("upgrade-node", jenkinstest.BuildSpec{
		Params: map[string]string{"VERSION": "24.0.1", "NODE": "dm-1"}, Node: "dm-1", Started: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := newRunner(t, Config{Job: "upgrade-node", Pin: true}, j.client)

	time.AfterFunc(100*time.Millisecond, func() { j.sim.Finish("upgrade-node", n, jenkinstest.Success) })
	res, err := r.Run(context.Background(), dm1)
	if err != nil || !strings.HasPrefix(res.Output, "upgrade-node #1 SUCCESS") {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	if posts := j.sim.Posts(); len(posts) != 0 {
		t.Fatalf("a second build was queued: %v", posts[0].Path)
	}
}

func TestRunRefusesABuildURLItCannotPass(t *testing.T) {
	j := startJenkins(t, pinnedJob())
	r := newRunner(t, Config{Job: "upgrade-node", Pin: true}, j.client)

	target := dm1
	target.URL = "https://master.example.org/abc123/docker.tgz"
	if _, err := r.Run(context.Background(), target); err == nil || !strings.Contains(err.Error(), "url_param is not set") {
		t.Fatalf("Run = %v", err)
	}
	if len(j.sim.Requests()) != 0 {
		t.Fatal("Jenkins was asked anything")
	}
}

func TestProbeIsNotAvailable(t *testing.T) {
	r := newRunner(t, Config{Job: "upgrade-node", Pin: true}, startJenkins(t).client)
	if _, err := r.Probe(context.Background(), dm1); !errors.Is(err, ErrNoProbe) || r.HasProbe() {
		t.Fatalf("Probe = %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // "" when valid
	}{
		{"pinned", Config{Job: "upgrade-node", Pin: true}, ""},
		{"elsewhere", Config{Job: "upgrade-remote", NodeParam: "TARGET", URLParam: "URL"}, ""},
		{"no job", Config{Pin: true}, "job: required"},
		{"no node", Config{Job: "upgrade-node"}, "node_param: required unless pin"},
		{"bad name", Config{Job: "j", Pin: true, URLParam: "A B"}, `url_param: "A B" is not`},
		{"same twice", Config{Job: "j", NodeParam: "VERSION"}, `version_param: "VERSION" is also node_param`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Defaults()
			err := tt.cfg.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}

	if _, err := New(Config{Job: "j", Pin: true}, nil, nil); err == nil {
		t.Fatal("New without a Jenkins client")
	}
}

// TestRunPassesWhoLetItGo: the person who let the upgrade go reaches the
// job's requested-by parameter, as for a rebuild.
func TestRunPassesWhoLetItGo(t *testing.T) {
	j := startJenkins(t, pinnedJob(jenkinstest.Success))
	r := newRunner(t, Config{Job: "upgrade-node", Pin: true}, j.client)

	target := dm1
	target.Who = "alice"
	if _, err := r.Run(context.Background(), target); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if form := lastTrigger(t, j.sim); form["GORDON_USER"] != "alice" {
		t.Fatalf("triggered with %v, want GORDON_USER=alice", form)
	}
}
