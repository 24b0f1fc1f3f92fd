package versions

import (
	"strings"
	"testing"
)

func TestRCConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  RCConfig
		want string // the problems, one a line; empty for none
	}{
		{name: "off", cfg: RCConfig{}},
		{name: "repo only", cfg: RCConfig{Repo: "docker/docker"}},
		{name: "with a url", cfg: RCConfig{Repo: "docker/docker", URL: "https://example.org/docker-{{.Version}}.tgz"}},
		{name: "url without repo", cfg: RCConfig{URL: "https://example.org/docker-{{.Version}}.tgz"},
			want: "repo: required with url"},
		{name: "not owner/name", cfg: RCConfig{Repo: "docker"}, want: `repo: "docker" is not owner/name`},
		{name: "the same url for every release", cfg: RCConfig{Repo: "docker/docker", URL: "https://example.org/docker.tgz"},
			want: "must change with the release"},
		{name: "a field releases lack", cfg: RCConfig{Repo: "docker/docker", URL: "https://example.org/{{.SHA}}"},
			want: "can't evaluate field SHA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblems(t, tt.cfg.Validate(), tt.want)
		})
	}
}

func TestMasterConfigValidate(t *testing.T) {
	const url = "https://master.dockerproject.org/linux/amd64/docker-{{.SHA}}.tgz"
	tests := []struct {
		name string
		cfg  MasterConfig
		want string
	}{
		{name: "off", cfg: MasterConfig{}},
		{name: "defaults", cfg: MasterConfig{Repo: "moby/moby", URL: url}},
		{name: "a version of its own", cfg: MasterConfig{Repo: "moby/moby", URL: url,
			Version: "25.0.0-dev.{{.Date}}.{{.Short}}"}},
		{name: "no url", cfg: MasterConfig{Repo: "moby/moby"}, want: "url: required"},
		{name: "the same build every time", cfg: MasterConfig{Repo: "moby/moby",
			URL: "https://master.dockerproject.org/linux/amd64/docker.tgz"}, want: "url: " +
			`"https://master.dockerproject.org/linux/amd64/docker.tgz" gives ` +
			`"https://master.dockerproject.org/linux/amd64/docker.tgz" for every build: ` +
			"it must change with the commit: use {{.SHA}} or {{.Short}}"},
		{name: "not a url", cfg: MasterConfig{Repo: "moby/moby", URL: "docker-{{.SHA}}.tgz"},
			want: "not an http or https URL"},
		{name: "a version nodes cannot report", cfg: MasterConfig{Repo: "moby/moby", URL: url,
			Version: "master-{{.Short}}"}, want: "version: " + `"master-{{.Short}}" gives "master-1a2b3c4"`},
		{name: "a version that never changes", cfg: MasterConfig{Repo: "moby/moby", URL: url,
			Version: "25.0.0-dev"}, want: "for every build: it must change with the commit"},
		{name: "a bad template", cfg: MasterConfig{Repo: "moby/moby", URL: "https://x.org/{{.SHA"},
			want: "url: bad template"},
		{name: "a bad branch", cfg: MasterConfig{Repo: "moby/moby", URL: url, Branch: "a b"},
			want: `branch: "a b" is not a branch name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Defaults()
			checkProblems(t, tt.cfg.Validate(), tt.want)
		})
	}
}

// checkProblems fails unless err is nil for an empty want, or holds
// want.
func checkProblems(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("problems: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("problems: %v; want %q", err, want)
	}
}
