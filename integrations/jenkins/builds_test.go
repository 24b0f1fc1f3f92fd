package jenkins

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

// The demo history: docker-pr #1 (PR 1201, SUCCESS), #2 (PR 1207,
// FAILURE), #3 (PR 1210, SUCCESS); docker-pr-experimental #1 (PR 1207,
// SUCCESS).

func TestBuildLists(t *testing.T) {
	sim := startSim(t, time.Hour)
	c := newTestClient(t, sim.url)
	ctx := context.Background()

	tests := []struct {
		name string
		list func() ([]Build, error)
		want []string
	}{
		{"builds", func() ([]Build, error) { return c.Builds(ctx, "docker-pr", 2) }, []string{"docker-pr #3", "docker-pr #2"}},
		{"with param", func() ([]Build, error) { return c.BuildsWithParam(ctx, "docker-pr", "PR", "1207", 5) }, []string{"docker-pr #2"}},
		{"pr", func() ([]Build, error) { return c.PRBuilds(ctx, 1207, 1) }, []string{"docker-pr #2", "docker-pr-experimental #1"}},
		{"recent of a job", func() ([]Build, error) { return c.RecentBuilds(ctx, "docker-pr", 1) }, []string{"docker-pr #3"}},
		{"recent of all", func() ([]Build, error) { return c.RecentBuilds(ctx, "", 10) }, []string{"docker-pr #3", "docker-pr-experimental #1"}},
		{"pr without builds", func() ([]Build, error) { return c.PRBuilds(ctx, 4242, 1) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			builds, err := tt.list()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, b := range builds {
				got = append(got, buildName(b.Job, b.Number))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBuildFields(t *testing.T) {
	sim := startSim(t, time.Hour)
	c := newTestClient(t, sim.url)

	b, err := c.Build(context.Background(), "docker-pr", 2)
	if err != nil {
		t.Fatal(err)
	}
	if b.Result != ResultFailure || b.Building || b.Duration != 80*time.Second ||
		b.Started.IsZero() || b.BuiltOn == "" || b.Params["PR"] != "1207" || b.URL == "" {
		t.Fatalf("build = %+v", b)
	}
}

func TestBuildMissing(t *testing.T) {
	sim := startSim(t, time.Hour)
	c := newTestClient(t, sim.url)
	ctx := context.Background()

	if _, err := c.Build(ctx, "docker-pr", 999); !errors.Is(err, ErrNoSuchBuild) {
		t.Fatalf("Build error = %v, want ErrNoSuchBuild", err)
	}
	if _, err := c.Builds(ctx, "nope", 5); !errors.Is(err, ErrNoSuchJob) {
		t.Fatalf("Builds error = %v, want ErrNoSuchJob", err)
	}
}

func TestPRBuildsNeedsPRJobs(t *testing.T) {
	sim := startSim(t, time.Hour)
	c := newTestClient(t, sim.url, func(cfg *Config) { cfg.PRJobs = nil })

	_, err := c.PRBuilds(context.Background(), 1, 1)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Key != "pr_jobs" {
		t.Fatalf("error = %v, want a *ConfigError for pr_jobs", err)
	}
}

func TestAbortBuild(t *testing.T) {
	tests := []struct {
		name      string
		number    func(q Queued) int64
		wantBuild bool
		wantQueue bool
		want      error
	}{
		{name: "running build", number: func(Queued) int64 { return 4 }, wantBuild: true},
		{name: "waiting item", number: func(q Queued) int64 { return q.ID }, wantQueue: true},
		{name: "ended build", number: func(Queued) int64 { return 2 }, want: ErrNotRunning},
		{name: "neither", number: func(Queued) int64 { return 5000 }, want: ErrNoSuchBuild},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := startSim(t, time.Hour)
			c := newTestClient(t, sim.url)
			ctx := context.Background()
			q := runningAndWaiting(t, sim, c)

			build, queued, err := c.AbortBuild(ctx, "docker-pr", tt.number(q))
			if !errors.Is(err, tt.want) {
				t.Fatalf("AbortBuild error = %v, want %v", err, tt.want)
			}
			if (build != 0) != tt.wantBuild || queued != tt.wantQueue {
				t.Fatalf("AbortBuild = %d, %v", build, queued)
			}
		})
	}
}

// runningAndWaiting makes docker-pr #4 run and a PR 2 item wait, which
// it returns.
func runningAndWaiting(t *testing.T, sim *simulator, c *Client) Queued {
	t.Helper()
	ctx := context.Background()
	if _, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "1"}); err != nil {
		t.Fatal(err)
	}
	sim.clock.Add(2 * time.Hour)

	q, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "2"})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := c.Build(ctx, "docker-pr", 4); err != nil || !b.Building {
		t.Fatalf("docker-pr #4 = %+v, %v; want it running", b, err)
	}
	return q
}

func TestStopBuild(t *testing.T) {
	sim := startSim(t, time.Hour)
	c := newTestClient(t, sim.url)
	ctx := context.Background()
	runningAndWaiting(t, sim, c)

	if err := c.StopBuild(ctx, "docker-pr", 4); err != nil {
		t.Fatalf("StopBuild: %v", err)
	}
	b, err := c.Build(ctx, "docker-pr", 4)
	if err != nil || b.Result != ResultAborted {
		t.Fatalf("after stop: %+v, %v", b, err)
	}
	if err := c.StopBuild(ctx, "docker-pr", 4); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("second stop: %v, want ErrNotRunning", err)
	}
}

// TestBuildsBeyondAHundred: Jenkins lists the newest 100 builds in builds;
// asking for more reads allBuilds.
func TestBuildsBeyondAHundred(t *testing.T) {
	sim := startSim(t, time.Hour)
	for range 150 {
		if _, err := sim.AddBuild("docker-master", jenkinstest.BuildSpec{Result: jenkinstest.Success}); err != nil {
			t.Fatal(err)
		}
	}
	c := newTestClient(t, sim.url)
	ctx := context.Background()

	for _, tt := range []struct{ n, want int }{{50, 50}, {100, 100}, {120, 120}, {500, 150}} {
		got, err := c.Builds(ctx, "docker-master", tt.n)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tt.want || got[0].Number != 150 {
			t.Fatalf("Builds(%d): %d builds, first #%d; want %d, first #150", tt.n, len(got), got[0].Number, tt.want)
		}
	}
}
