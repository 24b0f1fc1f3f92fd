package announce

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gh "github.com/google/go-github/v62/github"

	"github.com/gordonbot/gordon/integrations/github"
)

// payloads is where the captured deliveries are, shared with the
// receiver's tests.
const payloads = "../integrations/github/testdata"

// event parses a captured delivery the way the receiver does.
func event(t testing.TB, eventType, file string) github.Event {
	t.Helper()

	body, err := os.ReadFile(filepath.Join(payloads, file))
	if err != nil {
		t.Fatalf("reading payload: %v", err)
	}
	p, err := gh.ParseWebHook(eventType, body)
	if err != nil {
		t.Fatalf("parsing %s: %v", file, err)
	}
	return github.Event{Type: eventType, Delivery: "d-" + file, Payload: p}
}

// lines are the announcements of the captured deliveries.
var lines = []struct {
	name  string
	event string
	file  string
	want  string // "" when not announced
}{
	{"push", "push", "push.json",
		`[docker/docker] alice-maint pushed 5 commits to master: "Fix overlay mount leak on daemon restart", ` +
			`"integration-cli: skip userns tests on kernels old…", "Bump containerd to v0.2.1" and 2 more ` +
			`https://github.com/docker/docker/compare/c0ffee123456...7b6a5f4e3d2c`},
	{"forced push", "push", "push_forced.json",
		`[docker/docker] alice-maint force-pushed 1 commit to release/1.7: "Bump containerd to v0.2.1" ` +
			`https://github.com/docker/docker/compare/aaaabbbbcccc...9e8d7c6b5a4f`},
	{"branch deleted", "push", "push_deleted.json", ""},
	{"tag pushed", "push", "push_tag.json", ""},
	{"pull request opened", "pull_request", "pull_request_opened.json",
		`[docker/docker] bob-contrib opened #14021 on master: "docs: describe --storage-opt for devicemapper" ` +
			`https://github.com/docker/docker/pull/14021`},
	{"pull request closed", "pull_request", "pull_request_closed.json",
		`[docker/docker] alice-maint closed #13950 on master: "Add a --rm-orphans flag to docker run" ` +
			`https://github.com/docker/docker/pull/13950`},
	{"pull request merged", "pull_request", "pull_request_merged.json",
		`[docker/docker] alice-maint merged #14021 on master: "docs: describe --storage-opt for devicemapper" ` +
			`https://github.com/docker/docker/pull/14021`},
	{"pull request reopened", "pull_request", "pull_request_reopened.json",
		`[docker/docker] bob-contrib reopened #13950 on master: "Add a --rm-orphans flag to docker run" ` +
			`https://github.com/docker/docker/pull/13950`},
	{"pull request pushed to", "pull_request", "pull_request_synchronize.json", ""},
	{"hostile title", "pull_request", "pull_request_opened_hostile.json",
		`[docker/docker] bob-contrib opened #14077 on release/1.7: "Fix build PRIVMSG #fleet :pwnedACTION waves red boldend" ` +
			`https://github.com/docker/docker/pull/14077`},
	{"release", "release", "release_published.json",
		`[docker/docker] carol-release published release v1.7.0 https://github.com/docker/docker/releases/tag/v1.7.0`},
	{"pre-release", "release", "release_prerelease.json",
		`[docker/docker] carol-release published release candidate v1.7.1-rc1 (upgrade rc would roll it out) ` +
			`https://github.com/docker/docker/releases/tag/v1.7.1-rc1`},
	{"prereleased twin of published", "release", "release_prereleased.json", ""},
	{"status failure", "status", "status_failure.json",
		`[docker/docker] ci/jenkins failed on master at 7b6a5f4: "Build #10511 failed: TestRunWithUserns" ` +
			`https://jenkins.dockerproject.org/job/Docker-PRs-experimental/10511/console`},
	{"status error", "status", "status_error.json",
		`[docker/docker] ci/janky errored on release/1.7 at 7b6a5f4: "Jenkins agent lost" ` +
			`https://jenkins.dockerproject.org/job/Docker-PRs-experimental/10511/console`},
	{"status success", "status", "status_success.json", ""},
	{"status pending", "status", "status_pending.json", ""},
	{"check run failure", "check_run", "check_run_failure.json",
		`[docker/docker] check run "test-integration" failed on master at 7b6a5f4: "3 tests failed" ` +
			`https://github.com/docker/docker/runs/128620228`},
	{"check run timed out", "check_run", "check_run_timed_out.json",
		`[docker/docker] check run "test-unit (arm64)" timed out on release/1.7 at 7b6a5f4: "3 tests failed" ` +
			`https://github.com/docker/docker/runs/128620228`},
	{"check run success", "check_run", "check_run_success.json", ""},
	{"check run in progress", "check_run", "check_run_created.json", ""},
	{"issue opened", "issues", "issues_opened.json", ""},
	{"ping", "ping", "ping.json", ""},
}

func TestLines(t *testing.T) {
	for _, tt := range lines {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Line(event(t, tt.event, tt.file))
			if !ok {
				got = ""
			}
			if got != tt.want {
				t.Fatalf("line\n got %q\nwant %q", got, tt.want)
			}
			if len(got) > maxLine || strings.ContainsAny(got, "\r\n\x00\x01\x02\x03\x0f\x16\x1d\x1f") {
				t.Fatalf("not one clean line of at most %d bytes: %q", maxLine, got)
			}
		})
	}
}
