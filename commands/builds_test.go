package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

// The Jenkins client satisfies the interface as it is.
var _ Jenkins = (*jenkins.Client)(nil)

// fakeJenkins records the calls of the build commands and answers with
// what it was given.
type fakeJenkins struct {
	calls []string

	queueID  int64
	existing bool
	builds   []JenkinsBuild
	aborted  int64
	queued   bool
	err      error
}

func (f *fakeJenkins) QueueBuild(ctx context.Context, job string, params map[string]string,
	node, who string) (int64, bool, error) {
	f.calls = append(f.calls, fmt.Sprintf("QueueBuild %s %v node=%s who=%s", job, params, node, who))
	return f.queueID, f.existing, f.err
}

func (f *fakeJenkins) RecentBuilds(ctx context.Context, job string, n int) ([]JenkinsBuild, error) {
	f.calls = append(f.calls, fmt.Sprintf("RecentBuilds %q %d", job, n))
	return f.builds, f.err
}

func (f *fakeJenkins) PRBuilds(ctx context.Context, pr int, n int) ([]JenkinsBuild, error) {
	f.calls = append(f.calls, fmt.Sprintf("PRBuilds %d %d", pr, n))
	return f.builds, f.err
}

func (f *fakeJenkins) AbortBuild(ctx context.Context, job string, number int64) (int64, bool, error) {
	f.calls = append(f.calls, fmt.Sprintf("AbortBuild %s %d", job, number))
	return f.aborted, f.queued, f.err
}

// briefErr is an error of the kind the Jenkins client returns for a
// person.
type briefErr struct{ msg string }

func (e *briefErr) Error() string { return "GET /job/x/api/json: 404: " + e.msg }
func (e *briefErr) Brief() string { return e.msg }

// testNow is the time the build listings are read at.
var testNow = time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC)

// runBuildCommand runs one of the build commands on line as alice, and
// returns its reply lines and error.
func runBuildCommand(t *testing.T, f *fakeJenkins, line string) ([]string, error) {
	t.Helper()
	inv, err := ParseInvocation(line)
	if err != nil {
		t.Fatalf("ParseInvocation(%q): %v", line, err)
	}

	b := &buildCommands{jenkins: f, prParam: "PR", now: func() time.Time { return testNow }}
	run := map[string]Handler{"build": b.build, "builds": b.builds, "cancel": b.cancel}[inv.Name]
	req := &Request{Inv: inv, Caller: Caller{Identity: alice, Role: RoleMaintainer}}
	err = run(context.Background(), req)
	return req.lines, err
}

func TestBuildCommandsRegistry(t *testing.T) {
	reg := NewRegistry()
	reg.Register(BuildCommands(&fakeJenkins{}, "PR")...)

	for _, want := range []struct {
		name   string
		role   Role
		action bool
	}{
		{"build", RoleMaintainer, true},
		{"builds", RoleAnyone, false},
		{"cancel", RoleMaintainer, true},
	} {
		c := reg.Lookup(want.name)
		if c == nil || c.Role != want.role || c.Action != want.action || c.Usage == "" {
			t.Errorf("%s = %+v, want role %v, action %v", want.name, c, want.role, want.action)
		}
	}
}

func TestBuildCommand(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		fake     fakeJenkins
		wantCall string
		want     string
	}{
		{
			name: "params and node", line: "build docker-pr pr=1207 on dm-3", fake: fakeJenkins{queueID: 57},
			wantCall: "QueueBuild docker-pr map[pr:1207] node=dm-3 who=alice",
			want:     "queued docker-pr (pr=1207) on dm-3 as queue item 57",
		},
		{
			name: "quoted value and glob", line: `build docker-pr "msg=two words" pattern=Test*`, fake: fakeJenkins{queueID: 8},
			wantCall: "QueueBuild docker-pr map[msg:two words pattern:Test*] node= who=alice",
			want:     "queued docker-pr (msg=two words, pattern=Test*) as queue item 8",
		},
		{
			name: "no params", line: "build docker-master", fake: fakeJenkins{queueID: 9},
			wantCall: "QueueBuild docker-master map[] node= who=alice",
			want:     "queued docker-master as queue item 9",
		},
		{
			name: "already waiting", line: "build docker-pr pr=1", fake: fakeJenkins{queueID: 5, existing: true},
			wantCall: "QueueBuild docker-pr map[pr:1] node= who=alice",
			want:     "docker-pr (pr=1) is already waiting in the queue as item 5; not queued twice",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := runBuildCommand(t, &tt.fake, tt.line)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.fake.calls) != 1 || tt.fake.calls[0] != tt.wantCall {
				t.Fatalf("calls = %q, want %q", tt.fake.calls, tt.wantCall)
			}
			if len(lines) != 1 || lines[0] != tt.want {
				t.Fatalf("reply = %q, want %q", lines, tt.want)
			}
		})
	}
}

func TestBuildCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		line string
	}{
		{"no job", "build"},
		{"params first", "build pr=1"},
		{"on without node", "build docker-pr on"},
		{"on twice", "build docker-pr on dm-1 on dm-2"},
		{"on a selector", "build docker-pr on kernel=4.4"},
		{"stray word", "build docker-pr 1207"},
		{"option", "build docker-pr --force"},
		{"param twice", "build docker-pr pr=1 pr=2"},
		{"empty name", `build docker-pr "=1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeJenkins{}
			_, err := runBuildCommand(t, f, tt.line)
			var usage *UsageError
			if !errors.As(err, &usage) {
				t.Fatalf("error = %v, want a usage error", err)
			}
			if len(f.calls) != 0 {
				t.Fatalf("called Jenkins: %q", f.calls)
			}
		})
	}
}

func TestJenkinsFailures(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantUser string // the *UserError's text, "" for none
	}{
		{"brief", &briefErr{msg: `no such job "docker-prr"`}, `no such job "docker-prr"`},
		{"wrapped brief", fmt.Errorf("queue: %w", &briefErr{msg: "Jenkins is unreachable"}), "Jenkins is unreachable"},
		{"plain", errors.New("decoding: unexpected EOF"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, line := range []string{"build docker-prr", "builds docker-prr", "cancel docker-prr 3"} {
				_, err := runBuildCommand(t, &fakeJenkins{err: tt.err}, line)

				var user *UserError
				gotUser := ""
				if errors.As(err, &user) {
					gotUser = user.Error()
				}
				if gotUser != tt.wantUser || !errors.Is(err, tt.err) {
					t.Fatalf("%s: error %v (user %q), want user %q wrapping %v", line, err, gotUser, tt.wantUser, tt.err)
				}
			}
		})
	}
}

func TestBriefErrorLogsWhole(t *testing.T) {
	err := jenkinsFailure("queue docker-pr", &briefErr{msg: "Jenkins is unreachable"})
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Warn("command failed", "error", err)

	if !strings.Contains(b.String(), "queue docker-pr: GET /job/x/api/json: 404") {
		t.Fatalf("log = %s; want the whole error", b.String())
	}
	if err.Error() != "Jenkins is unreachable" {
		t.Fatalf("Error() = %q, want the brief line", err.Error())
	}
}

func TestBuildsCommand(t *testing.T) {
	pr := JenkinsBuild{
		Job: "docker-pr", Number: 812, URL: "http://ci/job/docker-pr/812/", Result: "FAILURE",
		Started: testNow.Add(-3*time.Hour - 31*time.Minute), Duration: 31 * time.Minute,
		BuiltOn: "dm-3", Params: map[string]string{"PR": "1207"},
	}
	running := JenkinsBuild{
		Job: "docker-master", Number: 40, URL: "http://ci/job/docker-master/40/", Building: true,
		Started: testNow.Add(-12 * time.Minute), BuiltOn: "dm-1",
	}
	tests := []struct {
		name     string
		line     string
		builds   []JenkinsBuild
		wantCall string
		want     []string
	}{
		{
			name: "all jobs", line: "builds", builds: []JenkinsBuild{running, pr}, wantCall: `RecentBuilds "" 30`,
			want: []string{
				"docker-master #40 running for 12m, on dm-1: http://ci/job/docker-master/40/",
				"docker-pr #812 FAILURE 3h ago, took 31m, PR 1207, on dm-3: http://ci/job/docker-pr/812/",
			},
		},
		{name: "a pr", line: "builds 1207", builds: []JenkinsBuild{pr}, wantCall: "PRBuilds 1207 1", want: []string{
			"docker-pr #812 FAILURE 3h ago, took 31m, PR 1207, on dm-3: http://ci/job/docker-pr/812/",
		}},
		{name: "a pr with #", line: "builds #1207", wantCall: "PRBuilds 1207 1", want: []string{"no builds of PR 1207 in the PR jobs"}},
		{name: "a job", line: "builds docker-pr", wantCall: `RecentBuilds "docker-pr" 30`, want: []string{"no builds of docker-pr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeJenkins{builds: tt.builds}
			lines, err := runBuildCommand(t, f, tt.line)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.calls) != 1 || f.calls[0] != tt.wantCall {
				t.Fatalf("calls = %q, want %q", f.calls, tt.wantCall)
			}
			if !reflect.DeepEqual(lines, tt.want) {
				t.Fatalf("reply =\n%q\nwant\n%q", lines, tt.want)
			}
		})
	}
}

func TestBuildsCommandUsage(t *testing.T) {
	for _, line := range []string{"builds a b", "builds pr=1", "builds --all"} {
		t.Run(line, func(t *testing.T) {
			_, err := runBuildCommand(t, &fakeJenkins{}, line)
			var usage *UsageError
			if !errors.As(err, &usage) {
				t.Fatalf("error = %v, want a usage error", err)
			}
		})
	}
}

func TestCancelCommand(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		fake     fakeJenkins
		wantCall string
		want     string
	}{
		{"running", "cancel docker-pr 813", fakeJenkins{aborted: 813}, "AbortBuild docker-pr 813", "stopping docker-pr #813"},
		{"with #", "cancel docker-pr #813", fakeJenkins{aborted: 813}, "AbortBuild docker-pr 813", "stopping docker-pr #813"},
		{"queued", "cancel docker-pr 184523", fakeJenkins{queued: true}, "AbortBuild docker-pr 184523",
			"cancelled queue item 184523 of docker-pr before it started"},
		{"just started", "cancel docker-pr 184523", fakeJenkins{queued: true, aborted: 814}, "AbortBuild docker-pr 184523",
			"queue item 184523 had just started as docker-pr #814; stopping it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := runBuildCommand(t, &tt.fake, tt.line)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.fake.calls) != 1 || tt.fake.calls[0] != tt.wantCall || len(lines) != 1 || lines[0] != tt.want {
				t.Fatalf("calls %q, reply %q; want %q, %q", tt.fake.calls, lines, tt.wantCall, tt.want)
			}
		})
	}
}

func TestCancelCommandUsage(t *testing.T) {
	for _, line := range []string{"cancel", "cancel docker-pr", "cancel docker-pr x", "cancel docker-pr 0", "cancel docker-pr 1 2"} {
		t.Run(line, func(t *testing.T) {
			f := &fakeJenkins{}
			_, err := runBuildCommand(t, f, line)
			var usage *UsageError
			if !errors.As(err, &usage) || len(f.calls) != 0 {
				t.Fatalf("error = %v, calls %q; want a usage error and no call", err, f.calls)
			}
		})
	}
}

// TestBuildCommandsWithJenkins runs the commands through the dispatcher
// against gordon's Jenkins client and the Jenkins simulator. The lines run
// in order against one simulator: queue items are numbered from 101.
func TestBuildCommandsWithJenkins(t *testing.T) {
	sim := jenkinstest.Demo(jenkinstest.Config{User: "gordon", Token: "t0ken", QuietPeriod: time.Hour},
		[]string{"dm-1", "dm-2"})
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	client, err := jenkins.New(jenkins.Config{URL: ts.URL, User: "gordon", Token: "t0ken",
		PRJobs: []string{"docker-pr", "docker-pr-experimental"}}, nil)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		line string
		want string
	}{
		{"!build docker-pr pr=1300 on dm-2", "queued docker-pr (pr=1300) on dm-2 as queue item 101"},
		{"!build docker-pr PR=1301", "queued docker-pr (PR=1301) as queue item 102"},
		{"!build docker-pr pr=1300 on dm-2", "docker-pr (pr=1300) on dm-2 is already waiting in the queue as item 101; not queued twice"},
		{"!build docker-pr color=red", "build: docker-pr takes no parameter color (it takes PR, SHA, NODE, GORDON_USER)"},
		{"!build docker-prr", `build: no such job "docker-prr"`},
		{"!build docker-pr on dm-9", `build: no such node "dm-9"`},
		{"!cancel docker-pr 102", "cancelled queue item 102 of docker-pr before it started"},
		{"!builds 1210", "docker-pr #3 SUCCESS"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			f := newFixture(t, Config{Timeout: 0}, BuildCommands(client, "PR")...)
			f.say(alice, "#fleet", tt.line)

			got := f.out.lines("#fleet")
			if len(got) == 0 || !strings.HasPrefix(got[0], tt.want) {
				t.Fatalf("reply %q, want it to start %q", got, tt.want)
			}
		})
	}
}
