package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/integrations/jenkins"
)

// What main wires maint with satisfies its interfaces as it is.
var (
	_ NodeSelector  = (*fleet.Inventory)(nil)
	_ MaintRecorder = (*fleet.MaintBook)(nil)
	_ NodeAgents    = fleet.ConsulAgents{}
	_ MaintJenkins  = (*jenkins.Client)(nil)
)

// fakeMaintNodes answers Select with fixed nodes and records the
// selectors it was given.
type fakeMaintNodes struct {
	nodes []fleet.Node
	err   error
	asked []fleet.Selectors
}

func (f *fakeMaintNodes) Select(ctx context.Context, sels fleet.Selectors) ([]fleet.Node, error) {
	f.asked = append(f.asked, sels)
	return f.nodes, f.err
}

// fakeRecorder keeps what it records, or fails when told to.
type fakeRecorder struct {
	mu   sync.Mutex
	recs []fleet.MaintRecord
	err  error
}

func (f *fakeRecorder) Record(ctx context.Context, recs []fleet.MaintRecord) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.recs = append(f.recs, recs...)
	return nil
}

func (f *fakeRecorder) all() []fleet.MaintRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.recs)
}

// calls records calls made from several goroutines, and fails those for
// the nodes in fail.
type calls struct {
	mu   sync.Mutex
	made []string
	fail map[string]error
}

func (c *calls) add(node, call string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.made = append(c.made, call)
	return c.fail[node]
}

// sorted returns the calls made, sorted, since they run in parallel.
func (c *calls) sorted() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(slices.Values(c.made))
}

// fakeAgents records maintenance calls to nodes' Consul agents.
type fakeAgents struct{ calls }

func (f *fakeAgents) Enable(ctx context.Context, n fleet.Node, reason string) error {
	return f.add(n.Name, "enable "+n.Name+": "+reason)
}

func (f *fakeAgents) Disable(ctx context.Context, n fleet.Node) error {
	return f.add(n.Name, "disable "+n.Name)
}

// fakeMaintJenkins records offline marks.
type fakeMaintJenkins struct{ calls }

func (f *fakeMaintJenkins) SetOffline(ctx context.Context, node, reason string) (JenkinsComputer, error) {
	return JenkinsComputer{Name: node}, f.add(node, "offline "+node+": "+reason)
}

func (f *fakeMaintJenkins) SetOnline(ctx context.Context, node string) (JenkinsComputer, error) {
	return JenkinsComputer{Name: node}, f.add(node, "online "+node)
}

// discardLogger returns a logger that writes nothing.
func discardLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// maintNodes returns nodes dm-1 to dm-n.
func maintNodes(n int) []fleet.Node {
	nodes := make([]fleet.Node, n)
	for i := range nodes {
		nodes[i] = fleet.Node{Name: fmt.Sprintf("dm-%d", i+1), Address: fmt.Sprintf("10.0.0.%d", i+1)}
	}
	return nodes
}

// maintClock is the time the records of the unit tests are made at.
var maintClock = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// maintDeps are the fakes a maint command under test runs on.
type maintDeps struct {
	nodes   *fakeMaintNodes
	records *fakeRecorder
	agents  *fakeAgents
	jenkins *fakeMaintJenkins // nil: no Jenkins
	confirm *Confirmer
}

func newMaintDeps(n int, withJenkins bool) *maintDeps {
	d := &maintDeps{
		nodes:   &fakeMaintNodes{nodes: maintNodes(n)},
		records: &fakeRecorder{},
		agents:  &fakeAgents{},
		confirm: NewConfirmer(ConfirmTTL),
	}
	if withJenkins {
		d.jenkins = &fakeMaintJenkins{}
	}
	return d
}

// command returns maint over the fakes, its clock fixed.
func (d *maintDeps) command() Command {
	opts := MaintOptions{Nodes: d.nodes, Records: d.records, Agents: d.agents, Confirm: d.confirm,
		Logger: discardLogger()}
	if d.jenkins != nil {
		opts.Jenkins = d.jenkins
	}
	cmd := MaintCommand(opts)
	m := &maint{MaintOptions: opts, now: func() time.Time { return maintClock }}
	cmd.Run = m.run
	return cmd
}

// runMaint runs line as alice in private and returns the answer.
func runMaint(t *testing.T, cmd Command, line string, private bool) ([]string, error) {
	t.Helper()

	inv, err := ParseInvocation(line)
	if err != nil {
		t.Fatalf("ParseInvocation(%q): %v", line, err)
	}
	req := &Request{Inv: inv, Caller: Caller{Identity: alice, Role: RoleMaintainer, Name: "alice"}, Private: private}
	err = cmd.Run(context.Background(), req)
	return req.lines, err
}

func TestParseMaint(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		sels   string
		on     bool
		reason string
	}{
		{"on", "maint dm-3 on", "node=dm-3", true, ""},
		{"reason words", "maint dm-3 on because disk", "node=dm-3", true, "because disk"},
		{"quoted reason", `maint storage=devmapper kernel=4.* off "kernel upgrade done"`,
			"storage=devmapper kernel=4.*", false, "kernel upgrade done"},
		{"keywords in the reason", "maint dm-* on on and off again", "node=dm-*", true, "on and off again"},
		{"a node named on", `maint "on" off`, "node=on", false, ""},
		{"selector-like reason", "maint dm-3 on disk=full", "node=dm-3", true, "disk=full"},
		{"tag", "maint tag=gpu dm-? off", "tag=gpu node=dm-?", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := ParseInvocation(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			r, err := parseMaint(inv)
			if err != nil {
				t.Fatalf("parseMaint(%q): %v", tt.line, err)
			}
			if r.sels.String() != tt.sels || r.on != tt.on || r.reason != tt.reason {
				t.Fatalf("parseMaint(%q) = %v %s %q, want %s %v %q",
					tt.line, r.sels, r.word(), r.reason, tt.sels, tt.on, tt.reason)
			}
		})
	}
}

func TestParseMaintUsage(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{"nothing", "maint", "name the nodes"},
		{"no nodes", "maint on kernel=4.19", "name the nodes before on"},
		{"no keyword", "maint dm-3", "say on or off"},
		{"a word for a keyword", "maint dm-3 maybe", "say on or off"},
		{"option", "maint --force dm-3 on", "no options"},
		{"quoted selector", `maint "kernel=4" on`, "node names have no '='"},
		{"bad node name", "maint dm/3 on", "bad selector"},
		{"long reason", "maint dm-3 on " + strings.Repeat("x", 201), "keep it under 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newMaintDeps(1, false)
			_, err := runMaint(t, d.command(), tt.line, true)

			var usage *UsageError
			if !errors.As(err, &usage) || !strings.Contains(usage.Reason, tt.want) {
				t.Fatalf("%s: error = %v, want a usage error saying %q", tt.line, err, tt.want)
			}
			if len(d.nodes.asked) != 0 {
				t.Fatalf("the fleet was asked %v after a usage error", d.nodes.asked)
			}
		})
	}
}

// unreachable is the error fleet.ConsulAgents gives for an agent that
// refuses connections.
func unreachable(node, at string) error {
	return &fleet.AgentError{Node: node, URL: at,
		Err: fmt.Errorf("enable maintenance: %w at %s: connection refused", consul.ErrUnreachable, at)}
}

func TestMaintAnswers(t *testing.T) {
	noNode := &jenkins.NotFoundError{Kind: jenkins.ErrNoSuchNode, Name: "dm-2"}
	tests := []struct {
		name        string
		nodes       int
		jenkins     bool
		agentFail   map[string]error
		jenkinsFail map[string]error
		line        string
		want        []string
		wantAgents  []string
		wantJenkins []string
	}{
		{
			name: "on", nodes: 3, line: "maint dm-* on because disk",
			want: []string{"maint on for 3 nodes (dm-1, dm-2, dm-3): consul ok on all 3"},
			wantAgents: []string{"enable dm-1: because disk (alice via gordon)",
				"enable dm-2: because disk (alice via gordon)", "enable dm-3: because disk (alice via gordon)"},
		},
		{
			name: "an agent unreachable", nodes: 3, line: "maint dm-* on because disk",
			agentFail: map[string]error{"dm-3": unreachable("dm-3", "http://10.0.0.3:8500")},
			want: []string{
				"maint on for 3 nodes (dm-1, dm-2, dm-3): consul ok on 2 of 3",
				"dm-3: agent unreachable at http://10.0.0.3:8500; kept in gordon's record",
			},
		},
		{
			name: "with jenkins, no reason", nodes: 1, jenkins: true, line: "maint dm-1 on",
			want:        []string{"maint on for 1 node (dm-1): consul ok, jenkins offline"},
			wantAgents:  []string{"enable dm-1: set by alice via gordon"},
			wantJenkins: []string{"offline dm-1: set by alice via gordon"},
		},
		{
			name: "jenkins fails, consul stays", nodes: 2, jenkins: true, line: "maint dm-* on reimage",
			jenkinsFail: map[string]error{"dm-2": noNode},
			want: []string{
				"maint on for 2 nodes (dm-1, dm-2): consul ok on all 2, jenkins offline on 1 of 2",
				`dm-2: jenkins agent not offline: no such node "dm-2"`,
			},
			wantAgents:  []string{"enable dm-1: reimage (alice via gordon)", "enable dm-2: reimage (alice via gordon)"},
			wantJenkins: []string{"offline dm-1: reimage (alice via gordon)", "offline dm-2: reimage (alice via gordon)"},
		},
		{
			name: "off", nodes: 1, jenkins: true, line: "maint dm-1 off back in service",
			want:        []string{"maint off for 1 node (dm-1): consul ok, jenkins online"},
			wantAgents:  []string{"disable dm-1"},
			wantJenkins: []string{"online dm-1"},
		},
		{
			name: "off, agent unreachable", nodes: 1, line: "maint dm-1 off",
			agentFail: map[string]error{"dm-1": unreachable("dm-1", "http://10.0.0.1:8500")},
			want: []string{
				"maint off for 1 node (dm-1): consul failed",
				"dm-1: agent unreachable at http://10.0.0.1:8500; Consul may still show it in maintenance; " +
					"gordon's record says off",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newMaintDeps(tt.nodes, tt.jenkins)
			d.agents.fail = tt.agentFail
			if d.jenkins != nil {
				d.jenkins.fail = tt.jenkinsFail
			}

			lines, err := runMaint(t, d.command(), tt.line, true)
			if err != nil {
				t.Fatalf("%s: %v", tt.line, err)
			}
			if !slices.Equal(lines, tt.want) {
				t.Fatalf("%s answered\n%s\nwant\n%s", tt.line, strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
			}
			if tt.wantAgents != nil && !slices.Equal(d.agents.sorted(), tt.wantAgents) {
				t.Fatalf("agent calls = %q, want %q", d.agents.sorted(), tt.wantAgents)
			}
			if d.jenkins != nil && !slices.Equal(d.jenkins.sorted(), tt.wantJenkins) {
				t.Fatalf("jenkins calls = %q, want %q", d.jenkins.sorted(), tt.wantJenkins)
			}
			checkRecords(t, d.records.all(), d.nodes.nodes, !strings.Contains(tt.line, " off"))
		})
	}
}

// checkRecords checks that there is one record per node, made by alice
// at maintClock, on or off.
func checkRecords(t *testing.T, recs []fleet.MaintRecord, nodes []fleet.Node, on bool) {
	t.Helper()

	if len(recs) != len(nodes) {
		t.Fatalf("records = %+v, want one for each of %d nodes", recs, len(nodes))
	}
	for i, r := range recs {
		if r.Node != nodes[i].Name || r.On != on || r.Who != "alice" || !r.Since.Equal(maintClock) {
			t.Fatalf("record %d = %+v, want %s on=%v by alice at %s", i, r, nodes[i].Name, on, maintClock)
		}
	}
}

func TestMaintNothingChanged(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(d *maintDeps)
		wantUser string
	}{
		{"no node matches", func(d *maintDeps) { d.nodes.nodes = nil }, "no node matches node=dm-9*; nothing changed"},
		{"record fails", func(d *maintDeps) { d.records.err = errors.New("store: closed") },
			"gordon could not record it, so nothing changed: store: closed"},
		{"unknown key", func(d *maintDeps) { d.nodes.err = &fleet.UnknownKeyError{Key: "kernal"} }, "kernal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newMaintDeps(2, true)
			tt.setup(d)

			_, err := runMaint(t, d.command(), "maint dm-9* on", true)
			var user *UserError
			if !errors.As(err, &user) || !strings.Contains(err.Error(), tt.wantUser) {
				t.Fatalf("error = %v, want a *UserError saying %q", err, tt.wantUser)
			}
			if len(d.agents.sorted()) != 0 || len(d.jenkins.sorted()) != 0 || len(d.records.all()) != 0 {
				t.Fatalf("something changed: agents %q, jenkins %q, records %+v",
					d.agents.sorted(), d.jenkins.sorted(), d.records.all())
			}
		})
	}
}

// maintDispatcher returns a dispatcher with maint and confirm over d, and
// where its replies go.
func maintDispatcher(t *testing.T, d *maintDeps) (*Dispatcher, *recorder) {
	t.Helper()

	reg := NewRegistry()
	reg.Register(d.command(), d.confirm.Command())
	out := &recorder{}
	disp := NewDispatcher(Options{
		Registry:    reg,
		Roles:       NewRoles([]Maintainer{{Name: "alice", Accounts: []string{"alice"}, Hostmasks: []string{"bob!*@*"}}}),
		Out:         out,
		Config:      Config{Timeout: config.Duration(5 * time.Second), RateBurst: 100},
		Logger:      discardLogger(),
		Nick:        "gordon",
		Prefix:      "!",
		MainChannel: "#fleet",
	})
	return disp, out
}

func TestMaintConfirm(t *testing.T) {
	d := newMaintDeps(7, true)
	disp, out := maintDispatcher(t, d)
	say := func(from Identity, text string) []string {
		before := len(out.lines("#fleet"))
		disp.Handle(context.Background(), Message{From: from, Target: "#fleet", Text: text})
		return out.lines("#fleet")[before:]
	}

	asked := say(alice, "!maint dm-* on because disk")
	want := `^maint on for 7 nodes \(dm-1, dm-2, dm-3, dm-4, dm-5 \+2\): say "confirm ([a-z0-9]{6})" within 2m0s to go ahead$`
	m := regexp.MustCompile(want).FindStringSubmatch(strings.Join(asked, "\n"))
	if m == nil {
		t.Fatalf("maint over 7 nodes answered %q, want it to ask for confirm", asked)
	}
	if len(d.records.all()) != 0 || len(d.agents.sorted()) != 0 || len(d.jenkins.sorted()) != 0 {
		t.Fatal("maint over 7 nodes changed something before it was confirmed")
	}

	// bob is a maintainer by hostmask on a server that tracks no accounts.
	bobUntracked := bob
	bobUntracked.AccountsTracked = false
	done := say(bobUntracked, "!confirm "+m[1])
	wantDone := []string{
		"confirmed maint on for 7 nodes (dm-1, dm-2, dm-3, dm-4, dm-5 +2) (asked by alice)",
		"maint on for 7 nodes (dm-1, dm-2, dm-3, dm-4, dm-5 +2): consul ok on all 7, jenkins offline on all 7",
	}
	if !slices.Equal(done, wantDone) {
		t.Fatalf("confirm answered\n%s\nwant\n%s", strings.Join(done, "\n"), strings.Join(wantDone, "\n"))
	}
	recs := d.records.all()
	if len(recs) != 7 || recs[0].Who != "alice" || len(d.agents.sorted()) != 7 || len(d.jenkins.sorted()) != 7 {
		t.Fatalf("after confirm: records %+v, agents %q, jenkins %q; want 7 of each, recorded as alice's",
			recs, d.agents.sorted(), d.jenkins.sorted())
	}
}

func TestMaintFiveNodesNeedNoConfirm(t *testing.T) {
	d := newMaintDeps(MaxUnconfirmed, false)
	lines, err := runMaint(t, d.command(), "maint dm-* off", false)
	if err != nil || len(lines) != 1 || !strings.HasPrefix(lines[0], "maint off for 5 nodes") {
		t.Fatalf("maint over 5 nodes = %q, %v; want it done at once", lines, err)
	}
}

func TestMaintAnswerFitsAChannel(t *testing.T) {
	d := newMaintDeps(5, true)
	d.agents.fail, d.jenkins.fail = map[string]error{}, map[string]error{}
	for _, n := range d.nodes.nodes {
		d.agents.fail[n.Name] = unreachable(n.Name, "http://"+n.Address+":8500")
		d.jenkins.fail[n.Name] = errors.New("jenkins unreachable")
	}

	lines, err := runMaint(t, d.command(), "maint dm-* on", false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"maint on for 5 nodes (dm-1, dm-2, dm-3, dm-4, dm-5): consul ok on 0 of 5, jenkins offline on 0 of 5",
		"dm-1: agent unreachable at http://10.0.0.1:8500; kept in gordon's record",
		"dm-1: jenkins agent not offline: jenkins unreachable",
		"dm-2: agent unreachable at http://10.0.0.2:8500; kept in gordon's record",
		"... and problems on 4 nodes: dm-2 dm-3 dm-4 dm-5",
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("answered\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestMaintCommandRegisters(t *testing.T) {
	c := newMaintDeps(1, false).command()
	if c.Name != "maint" || c.Role != RoleMaintainer || !c.Action {
		t.Fatalf("maint = %+v, want an action for maintainers", c)
	}

	defer func() {
		if recover() == nil {
			t.Fatal("MaintCommand without its dependencies must panic")
		}
	}()
	MaintCommand(MaintOptions{})
}

// TestMaintScheduledNeedsNoConfirm: a schedule is its own confirmation,
// also for maint over many nodes.
func TestMaintScheduledNeedsNoConfirm(t *testing.T) {
	d := newMaintDeps(7, true)
	disp, out := maintDispatcher(t, d)

	caller := ScheduleCaller("nightly-drain", Maintainer{Name: "alice", Accounts: []string{"alice"}})
	disp.HandleExternal(context.Background(), External{Caller: caller, Target: "#fleet",
		Line: "maint dm-* on nightly drain", Received: time.Now()})

	lines := out.lines("#fleet")
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], "maint on for 7 nodes") {
		t.Fatalf("scheduled maint answered %q, want it done at once", lines)
	}
	if len(d.records.all()) != 7 {
		t.Fatalf("%d records after a scheduled maint over 7 nodes, want 7", len(d.records.all()))
	}
}
