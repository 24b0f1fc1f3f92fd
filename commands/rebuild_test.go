package commands

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

// fakeRebuildJenkins records the calls of rebuild and answers from its
// fields.
type fakeRebuildJenkins struct {
	calls []string

	agents   []JenkinsAgent
	waiting  []JenkinsQueueItem
	nextID   int64
	existing bool

	// started maps a queue item to the build it became before it could
	// be cancelled.
	started map[int64]int64

	agentsErr, queueErr, cancelErr error
	buildErr                       map[string]error // by job
}

func (f *fakeRebuildJenkins) QueueBuild(ctx context.Context, job string, params map[string]string,
	node, who string) (int64, bool, error) {
	var kv []string
	for _, k := range slices.Sorted(maps.Keys(params)) {
		kv = append(kv, k+"="+params[k])
	}
	f.calls = append(f.calls, fmt.Sprintf("QueueBuild %s %s node=%q who=%s", job, strings.Join(kv, ","), node, who))
	if err := f.buildErr[job]; err != nil {
		return 0, false, err
	}
	f.nextID++
	return 100 + f.nextID, f.existing, nil
}

func (f *fakeRebuildJenkins) Queue(ctx context.Context) ([]JenkinsQueueItem, error) {
	f.calls = append(f.calls, "Queue")
	return f.waiting, f.queueErr
}

func (f *fakeRebuildJenkins) CancelQueueItem(ctx context.Context, id int64) (JenkinsQueueItem, error) {
	f.calls = append(f.calls, fmt.Sprintf("CancelQueueItem %d", id))
	if f.cancelErr != nil {
		return JenkinsQueueItem{}, f.cancelErr
	}
	if b, ok := f.started[id]; ok {
		return JenkinsQueueItem{ID: id, Build: b}, nil
	}
	return JenkinsQueueItem{ID: id, Cancelled: true}, nil
}

func (f *fakeRebuildJenkins) Agents(ctx context.Context) ([]JenkinsAgent, error) {
	f.calls = append(f.calls, "Agents")
	return f.agents, f.agentsErr
}

// fakeFollowups records what it is asked to follow.
type fakeFollowups struct {
	followed []Followup
	err      error
}

func (f *fakeFollowups) Follow(ctx context.Context, fu Followup) error {
	if f.err != nil {
		return f.err
	}
	f.followed = append(f.followed, fu)
	return nil
}

// fakeFinder answers metadata selectors with names.
type fakeFinder struct {
	names []string
	asked fleet.Selectors
}

func (f *fakeFinder) Nodes(ctx context.Context, sels fleet.Selectors) ([]string, error) {
	f.asked = sels
	return f.names, nil
}

// testAgents are dm-1 (offline), dm-2 and dm-3.
func testAgents() []JenkinsAgent {
	return []JenkinsAgent{{Name: "dm-1", Offline: true, Reason: "disk replaced"}, {Name: "dm-2"}, {Name: "dm-3"}}
}

// rebuildCase is one rebuild line and what it should do.
type rebuildCase struct {
	name   string
	line   string
	fake   fakeRebuildJenkins
	finder *fakeFinder
	follow *fakeFollowups

	calls []string
	lines []string
	err   string // the line the dispatcher would show; "" for none
}

// runRebuild runs tt.line through rebuild as alice in #fleet.
func runRebuild(t *testing.T, tt *rebuildCase) ([]string, error) {
	t.Helper()
	inv, err := ParseInvocation(tt.line)
	if err != nil {
		t.Fatalf("ParseInvocation(%q): %v", tt.line, err)
	}
	if tt.fake.agents == nil {
		tt.fake.agents = testAgents()
	}
	if tt.follow == nil {
		tt.follow = &fakeFollowups{}
	}

	opts := RebuildOptions{PRJobs: []string{"docker-pr", "docker-pr-experimental"}}
	if tt.finder != nil {
		opts.Nodes = tt.finder
	}
	cmd := RebuildCommand(&tt.fake, tt.follow, opts)
	req := &Request{Inv: inv, Caller: Caller{Identity: alice, Role: RoleMaintainer}, Target: "#fleet",
		Received: time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC)}
	err = cmd.Run(context.Background(), req)
	return req.lines, err
}

// shown returns the line the dispatcher shows for err.
func shown(err error) string {
	var usage *UsageError
	var user *UserError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &usage):
		return "usage: " + usage.Reason
	case errors.As(err, &user):
		return user.Msg
	}
	return "failed: " + err.Error()
}

func checkRebuild(t *testing.T, tt *rebuildCase) {
	t.Helper()
	lines, err := runRebuild(t, tt)
	if got := shown(err); got != tt.err {
		t.Errorf("error shown as %q, want %q", got, tt.err)
	}
	if !slices.Equal(lines, tt.lines) {
		t.Errorf("lines:\n got %q\nwant %q", lines, tt.lines)
	}
	if !slices.Equal(tt.fake.calls, tt.calls) {
		t.Errorf("calls:\n got %q\nwant %q", tt.fake.calls, tt.calls)
	}
}

func TestRebuildQueuesAndFollows(t *testing.T) {
	tt := &rebuildCase{line: "rebuild #1234"}
	if _, err := runRebuild(t, tt); err != nil {
		t.Fatal(err)
	}

	want := []string{
		"Queue",
		`QueueBuild docker-pr PR=1234 node="" who=alice`,
		`QueueBuild docker-pr-experimental PR=1234 node="" who=alice`,
	}
	if !slices.Equal(tt.fake.calls, want) {
		t.Fatalf("calls %q", tt.fake.calls)
	}
	got := tt.follow.followed
	if len(got) != 2 || got[0] != (Followup{Job: "docker-pr", QueueID: 101, PR: 1234, Who: "alice", Nick: "alice",
		Target: "#fleet", Asked: time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC)}) || got[1].QueueID != 102 {
		t.Fatalf("followed %+v", got)
	}
}

func TestRebuild(t *testing.T) {
	down := &briefErr{msg: "Jenkins is unreachable"}
	tests := []rebuildCase{
		{
			name:  "every PR job",
			line:  "rebuild 1234",
			calls: []string{"Queue", `QueueBuild docker-pr PR=1234 node="" who=alice`, `QueueBuild docker-pr-experimental PR=1234 node="" who=alice`},
			lines: []string{"PR 1234: queued docker-pr (queue item 101), docker-pr-experimental (queue item 102); " +
				"I'll report here when each starts and ends"},
		},
		{
			name:  "one job on a node",
			line:  "rebuild 1234 job docker-pr on dm-3",
			calls: []string{"Agents", "Queue", `QueueBuild docker-pr NODE=dm-3,PR=1234 node="" who=alice`},
			lines: []string{"PR 1234: queued docker-pr (queue item 101) on dm-3; I'll report here when it starts and ends"},
		},
		{
			name:  "parts in another order",
			line:  "rebuild 1234 on node=dm-3 job docker-pr docker-pr",
			calls: []string{"Agents", "Queue", `QueueBuild docker-pr NODE=dm-3,PR=1234 node="" who=alice`},
			lines: []string{"PR 1234: queued docker-pr (queue item 101) on dm-3; I'll report here when it starts and ends"},
		},
		{
			name:  "a glob leaves offline nodes out",
			line:  "rebuild 1234 job docker-pr on dm-*",
			calls: []string{"Agents", "Queue", `QueueBuild docker-pr NODE=dm-2||dm-3,PR=1234 node="" who=alice`},
			lines: []string{
				"PR 1234: queued docker-pr (queue item 101) on dm-* (dm-2, dm-3); I'll report here when it starts and ends",
				"offline, left out: dm-1",
			},
		},
		{
			name:  "an offline node is refused",
			line:  "rebuild 1234 on dm-1",
			calls: []string{"Agents"},
			err:   "node dm-1 is offline: disk replaced; add --force to queue anyway",
		},
		{
			name:  "an offline node with --force",
			line:  "rebuild 1234 job docker-pr on dm-1 --force",
			calls: []string{"Agents", "Queue", `QueueBuild docker-pr NODE=dm-1,PR=1234 node="" who=alice`},
			lines: []string{
				"PR 1234: queued docker-pr (queue item 101) on dm-1; I'll report here when it starts and ends",
				"queued for offline dm-1 anyway (--force)",
			},
		},
		{
			name:  "an unknown node is refused",
			line:  "rebuild 1234 on dm-9",
			calls: []string{"Agents"},
			err:   "Jenkins has no node dm-9; add --force to queue for it anyway",
		},
		{
			name:  "an unknown node with --force",
			line:  "rebuild 1234 --force job docker-pr on dm-9",
			calls: []string{"Agents", "Queue", `QueueBuild docker-pr NODE=dm-9,PR=1234 node="" who=alice`},
			lines: []string{
				"PR 1234: queued docker-pr (queue item 101) on dm-9; I'll report here when it starts and ends",
				"Jenkins has no node dm-9; queued for it anyway (--force)",
			},
		},
		{
			name:  "a glob that matches nothing",
			line:  "rebuild 1234 on ci-* --force",
			calls: []string{"Agents"},
			err:   "no Jenkins node matches ci-*",
		},
		{
			name:  "every matching node offline",
			line:  "rebuild 1234 on dm-1 node!=dm-2",
			fake:  fakeRebuildJenkins{agents: []JenkinsAgent{{Name: "dm-1", Offline: true}, {Name: "dm-2", Offline: true}}},
			calls: []string{"Agents"},
			err:   "node dm-1 is offline; add --force to queue anyway",
		},
		{
			name: "every node of a glob offline",
			line: "rebuild 1234 on dm-?",
			fake: fakeRebuildJenkins{agents: []JenkinsAgent{{Name: "dm-1", Offline: true, Reason: "disk"},
				{Name: "dm-2", Offline: true}}},
			calls: []string{"Agents"},
			err:   "every node matching dm-? is offline (dm-1: disk, dm-2); add --force to queue anyway",
		},
		{
			name: "metadata selectors with no inventory",
			line: "rebuild 1234 on kernel=4.*",
			err:  "on kernel=4.*: gordon has no node inventory to match node metadata; name a node or a node-name glob",
		},
		{
			name:   "metadata selectors through the inventory",
			line:   "rebuild 1234 job docker-pr on kernel=4.* dm-*",
			finder: &fakeFinder{names: []string{"dm-3", "dm-9", "dm-2"}},
			calls:  []string{"Agents", "Queue", `QueueBuild docker-pr NODE=dm-2||dm-3,PR=1234 node="" who=alice`},
			lines: []string{
				"PR 1234: queued docker-pr (queue item 101) on kernel=4.* dm-* (dm-2, dm-3); I'll report here when it starts and ends",
				"not Jenkins agents, left out: dm-9",
			},
		},
		{
			name: "queued duplicates are replaced",
			line: "rebuild 1234",
			fake: fakeRebuildJenkins{waiting: []JenkinsQueueItem{
				{ID: 97, Job: "docker-pr-experimental", Params: map[string]string{"PR": "1234"}},
				{ID: 98, Job: "docker-pr", Params: map[string]string{"PR": "999"}},
				{ID: 99, Job: "docker-pr", Params: map[string]string{"PR": "1234"}},
			}},
			calls: []string{"Queue", "CancelQueueItem 99", `QueueBuild docker-pr PR=1234 node="" who=alice`,
				"CancelQueueItem 97", `QueueBuild docker-pr-experimental PR=1234 node="" who=alice`},
			lines: []string{"PR 1234: queued docker-pr (queue item 101), docker-pr-experimental (queue item 102), " +
				"replacing the queued duplicates 99, 97; I'll report here when each starts and ends"},
		},
		{
			name: "a duplicate that started meanwhile",
			line: "rebuild 1234 job docker-pr",
			fake: fakeRebuildJenkins{started: map[int64]int64{99: 12},
				waiting: []JenkinsQueueItem{{ID: 99, Job: "docker-pr", Params: map[string]string{"PR": "1234"}}}},
			calls: []string{"Queue", "CancelQueueItem 99", `QueueBuild docker-pr PR=1234 node="" who=alice`},
			lines: []string{
				"PR 1234: queued docker-pr (queue item 101); I'll report here when it starts and ends",
				"queue item 99 of docker-pr had just started as #12; left running",
			},
		},
		{
			name: "a duplicate that could not be cancelled",
			line: "rebuild 1234 job docker-pr",
			fake: fakeRebuildJenkins{cancelErr: &briefErr{msg: "Jenkins refused (403)"},
				waiting: []JenkinsQueueItem{{ID: 99, Job: "docker-pr", Params: map[string]string{"PR": "1234"}}}},
			calls: []string{"Queue", "CancelQueueItem 99", `QueueBuild docker-pr PR=1234 node="" who=alice`},
			lines: []string{
				"PR 1234: queued docker-pr (queue item 101); I'll report here when it starts and ends",
				"could not cancel the queued duplicate 99 of docker-pr: Jenkins refused (403)",
			},
		},
		{
			name:  "Jenkins already had it",
			line:  "rebuild 1234 job docker-pr",
			fake:  fakeRebuildJenkins{existing: true},
			calls: []string{"Queue", `QueueBuild docker-pr PR=1234 node="" who=alice`},
			lines: []string{"PR 1234: queued docker-pr (already waiting as queue item 101); I'll report here when it starts and ends"},
		},
		{
			name: "one job refused",
			line: "rebuild 1234",
			fake: fakeRebuildJenkins{buildErr: map[string]error{
				"docker-pr-experimental": &briefErr{msg: "docker-pr-experimental takes no parameter PR"}}},
			calls: []string{"Queue", `QueueBuild docker-pr PR=1234 node="" who=alice`, `QueueBuild docker-pr-experimental PR=1234 node="" who=alice`},
			lines: []string{"PR 1234: queued docker-pr (queue item 101); I'll report here when it starts and ends"},
			err:   "docker-pr-experimental not queued: docker-pr-experimental takes no parameter PR",
		},
		{
			name:  "every job refused",
			line:  "rebuild 1234",
			fake:  fakeRebuildJenkins{buildErr: map[string]error{"docker-pr": down, "docker-pr-experimental": down}},
			calls: []string{"Queue", `QueueBuild docker-pr PR=1234 node="" who=alice`, `QueueBuild docker-pr-experimental PR=1234 node="" who=alice`},
			lines: []string{"docker-pr-experimental not queued: Jenkins is unreachable"},
			err:   "docker-pr not queued: Jenkins is unreachable",
		},
		{
			name:  "Jenkins down when asked",
			line:  "rebuild 1234",
			fake:  fakeRebuildJenkins{queueErr: down},
			calls: []string{"Queue"},
			err:   "Jenkins is unreachable",
		},
		{
			name:  "Jenkins down listing nodes",
			line:  "rebuild 1234 on dm-2",
			fake:  fakeRebuildJenkins{agentsErr: down},
			calls: []string{"Agents"},
			err:   "Jenkins is unreachable",
		},
		{
			name:   "queued but not followed",
			line:   "rebuild 1234 job docker-pr",
			follow: &fakeFollowups{err: errors.New("store: closed")},
			calls:  []string{"Queue", `QueueBuild docker-pr PR=1234 node="" who=alice`},
			lines:  []string{"PR 1234: queued docker-pr (queue item 101)"},
			err:    "queued, but gordon could not record the builds to report on them",
		},
	}
	for i := range tests {
		tt := &tests[i]
		t.Run(tt.name, func(t *testing.T) { checkRebuild(t, tt) })
	}
}

func TestRebuildUsage(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{"nothing", "rebuild", "usage: name the pull request first"},
		{"not a number", "rebuild docker-pr", `usage: "docker-pr" is not a pull request number`},
		{"job without names", "rebuild 1234 job", "usage: job takes one or more job names"},
		{"job then on", "rebuild 1234 job on dm-1", "usage: job takes one or more job names"},
		{"on without nodes", "rebuild 1234 on", "usage: on takes a node name, a node-name glob or selectors"},
		{"two nodes", "rebuild 1234 on dm-1 dm-2", "usage: on takes one node name or glob; use a glob such as dm-* for several nodes"},
		{"on twice", "rebuild 1234 on dm-1 on dm-2", "usage: on is given twice"},
		{"bad node name", `rebuild 1234 on "dm 1"`, `usage: "dm 1" is not a node name`},
		{"unknown option", "rebuild 1234 --dry-run", "usage: unknown option --dry-run (rebuild takes --force)"},
		{"stray word", "rebuild 1234 docker-pr", "usage: unexpected docker-pr: name jobs after job and nodes after on"},
		{"a selector as a job", "rebuild 1234 job PR=3", "usage: PR=3 is not a job name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &rebuildCase{line: tt.line}
			_, err := runRebuild(t, c)
			if got := shown(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if len(c.fake.calls) != 0 {
				t.Fatalf("Jenkins was called: %q", c.fake.calls)
			}
		})
	}
}

func TestRebuildWithoutPRJobs(t *testing.T) {
	cmd := RebuildCommand(&fakeRebuildJenkins{}, nil, RebuildOptions{})
	inv, _ := ParseInvocation("rebuild 1234")
	err := cmd.Run(context.Background(), &Request{Inv: inv, Caller: Caller{Identity: alice, Role: RoleMaintainer}})
	if got := shown(err); got != "no PR jobs are configured; name them: rebuild 1234 job <name>" {
		t.Fatalf("got %q", got)
	}
	if cmd.Role != RoleMaintainer || !cmd.Action {
		t.Fatalf("rebuild is %v, action %v", cmd.Role, cmd.Action)
	}
}

func TestLabelExpr(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		want  string
	}{
		{"one", []string{"dm-3"}, "dm-3"},
		{"sorted", []string{"dm-3", "dm-10", "dm.2"}, "dm-10||dm-3||dm.2"},
		{"quoted", []string{"odd name", `q"x`}, `"odd name"||"q\"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := labelExpr(tt.names); got != tt.want {
				t.Fatalf("labelExpr(%q) = %q, want %q", tt.names, got, tt.want)
			}
		})
	}
}
