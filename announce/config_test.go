package announce

import (
	"errors"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/integrations/github"
)

func TestValidate(t *testing.T) {
	good := Route{Repos: []string{"docker/docker"}, Channel: "#fleet"}
	tests := []struct {
		name string
		edit func(*Route)
		want []string // keys with a problem, in order
	}{
		{"minimal", func(r *Route) {}, nil},
		{"everything", func(r *Route) {
			r.Repos = []string{"docker/*", "*", "moby/moby"}
			r.Events = []string{EventPullRequest, EventRelease}
			r.Actions = []string{"merged", "prereleased"}
			r.Branches = []string{"master", "release/*"}
			r.Channel = "&ops"
		}, nil},
		{"no channel", func(r *Route) { r.Channel = "" }, []string{"routes[0].channel"}},
		{"channel without #", func(r *Route) { r.Channel = "fleet" }, []string{"routes[0].channel"}},
		{"no repos", func(r *Route) { r.Repos = nil }, []string{"routes[0].repos"}},
		{"repo without owner", func(r *Route) { r.Repos = []string{"docker", "a/b/c", "/x"} },
			[]string{"routes[0].repos[0]", "routes[0].repos[1]", "routes[0].repos[2]"}},
		{"unknown event", func(r *Route) { r.Events = []string{"push", "issues"} },
			[]string{"routes[0].events[1]"}},
		{"action of another event", func(r *Route) {
			r.Events, r.Actions = []string{EventPush}, []string{"merged"}
		}, []string{"routes[0].actions[0]"}},
		{"unknown action", func(r *Route) { r.Actions = []string{"labeled"} },
			[]string{"routes[0].actions[0]"}},
		{"blank branch", func(r *Route) { r.Branches = []string{"", "a b"} },
			[]string{"routes[0].branches[0]", "routes[0].branches[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.edit(&r)
			cfg := Config{Routes: []Route{r}}
			cfg.Defaults()

			var keys []string
			if err := cfg.Validate(); err != nil {
				var problems config.Problems
				errors.As(err, &problems)
				for _, p := range problems {
					keys = append(keys, p.Key)
				}
			}
			if strings.Join(keys, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("problems at %q, want %q: %v", keys, tt.want, cfg.Validate())
			}
		})
	}
}

// gordonFile is how gordon's own config composes the [github] section:
// the receiver's keys and the routes side by side.
type gordonFile struct {
	GitHub struct {
		github.Config
		Routes []Route `toml:"routes"`
	} `toml:"github"`
}

func TestConfigComposesWithTheReceiver(t *testing.T) {
	doc := `
[github]
webhook_secrets = ["${GITHUB_WEBHOOK_SECRET}", "${GITHUB_WEBHOOK_SECRET_OLD}"]
max_body = 1048576
retention = "96h"

[[github.routes]]
repos = ["docker/docker"]
events = ["push", "pull_request", "release"]
branches = ["master"]
channel = "#fleet"

[[github.routes]]
repos = ["docker/*"]
events = ["release"]
channel = "#releases"
`
	env := map[string]string{"GITHUB_WEBHOOK_SECRET": "new", "GITHUB_WEBHOOK_SECRET_OLD": "old"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }

	var f gordonFile
	if _, err := config.Decode([]byte(doc), &f, lookup, nil); err != nil {
		t.Fatalf("decode: %v", err)
	}
	f.GitHub.Config.Defaults()
	routes := Config{Routes: f.GitHub.Routes}
	routes.Defaults()

	if err := f.GitHub.Config.Validate(); err != nil {
		t.Fatalf("receiver config: %v", err)
	}
	if err := routes.Validate(); err != nil {
		t.Fatalf("routes: %v", err)
	}
	if s := f.GitHub.WebhookSecrets; len(s) != 2 || s[0] != "new" || s[1] != "old" {
		t.Errorf("secrets %q", s)
	}
	if f.GitHub.MaxBody != 1<<20 || f.GitHub.Retention.Hours() != 96 {
		t.Errorf("max_body %d, retention %s", f.GitHub.MaxBody, f.GitHub.Retention)
	}
	if got := strings.Join(routes.Channels(), " "); got != "#fleet #releases" {
		t.Errorf("channels %q", got)
	}
}

func TestConfigRejectsUnknownKeys(t *testing.T) {
	doc := "[github]\nwebhook_secret = \"x\"\n[[github.routes]]\nrepo = [\"docker/docker\"]\nchannel = \"#fleet\"\n"

	var f gordonFile
	_, err := config.Decode([]byte(doc), &f, func(string) (string, bool) { return "", false }, nil)
	var p config.Problems
	if !errors.As(err, &p) || len(p) != 2 ||
		p[0].Key != "github.routes[0].repo" || p[1].Key != "github.webhook_secret" {
		t.Fatalf("want the two unknown keys, got %v", err)
	}
}
