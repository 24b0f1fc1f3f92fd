package announce

import (
	"slices"
	"testing"
)

func TestRouteMatches(t *testing.T) {
	push := notice{event: EventPush, repo: "docker/docker", branches: []string{"master"}}
	merged := notice{event: EventPullRequest, action: "merged", repo: "Docker/Docker", branches: []string{"master"}}
	opened := notice{event: EventPullRequest, action: "opened", repo: "docker/compose", branches: []string{"release/1.7"}}
	status := notice{event: EventStatus, action: "failure", repo: "docker/docker", branches: []string{"feature", "master"}}
	detached := notice{event: EventStatus, action: "error", repo: "docker/docker"}

	tests := []struct {
		name  string
		route Route
		match []notice
		miss  []notice
	}{
		{"one repository, every event", Route{Repos: []string{"docker/docker"}},
			[]notice{push, merged, status, detached}, []notice{opened}},
		{"owner glob", Route{Repos: []string{"docker/*"}, Events: []string{EventPullRequest}},
			[]notice{merged, opened}, []notice{push, status}},
		{"any repository", Route{Repos: []string{"*"}, Events: []string{EventPush}},
			[]notice{push}, []notice{merged}},
		{"branch glob", Route{Repos: []string{"docker/*"}, Branches: []string{"release/*"}},
			[]notice{opened}, []notice{push, merged, detached}},
		{"any of a commit's branches", Route{Repos: []string{"docker/docker"}, Branches: []string{"master"}},
			[]notice{push, merged, status}, []notice{detached}},
		{"branches compare with case", Route{Repos: []string{"docker/docker"}, Branches: []string{"Master"}},
			nil, []notice{push}},
		{"actions filter only their own event", Route{Repos: []string{"docker/*"},
			Events: []string{EventPush, EventPullRequest}, Actions: []string{"merged"}},
			[]notice{push, merged}, []notice{opened, status}},
		{"status actions", Route{Repos: []string{"docker/docker"}, Actions: []string{"error"}},
			[]notice{detached, push, merged}, []notice{status}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Routes: []Route{tt.route}}
			cfg.Defaults()
			r, err := compile(cfg.Routes[0])
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range tt.match {
				if !r.matches(n) {
					t.Errorf("%+v did not match", n)
				}
			}
			for _, n := range tt.miss {
				if r.matches(n) {
					t.Errorf("%+v matched", n)
				}
			}
		})
	}
}

func TestChannelsAndWants(t *testing.T) {
	cfg := Config{Routes: []Route{
		{Repos: []string{"docker/docker"}, Events: []string{EventPush}, Channel: "#fleet"},
		{Repos: []string{"docker/*"}, Events: []string{EventRelease}, Channel: "#Releases"},
		{Repos: []string{"docker/docker"}, Events: []string{EventStatus}, Channel: "#FLEET"},
		{Repos: []string{"docker/compose"}, Events: []string{EventPush}, Channel: "#releases"},
	}}
	cfg.Defaults()

	if got := cfg.Channels(); !slices.Equal(got, []string{"#fleet", "#Releases"}) {
		t.Errorf("channels %q", got)
	}
	for event, want := range map[string]bool{"push": true, "release": true, "status": true,
		"pull_request": false, "issues": false} {
		if cfg.Wants(event) != want {
			t.Errorf("wants %s = %v", event, !want)
		}
	}
}
