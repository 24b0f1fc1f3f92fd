package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/fleet"
)

// fakeInventory answers with what the test set, and records what it was
// asked.
type fakeInventory struct {
	listing fleet.Listing
	detail  fleet.NodeDetail
	err     error

	queries []fleet.Query
	names   []string
}

func (f *fakeInventory) List(ctx context.Context, q fleet.Query) (fleet.Listing, error) {
	f.queries = append(f.queries, q)
	l := f.listing
	l.Query = q
	return l, f.err
}

func (f *fakeInventory) Node(ctx context.Context, name string) (fleet.NodeDetail, error) {
	f.names = append(f.names, name)
	return f.detail, f.err
}

// runLine runs cmd on a command line that starts with the command's name
// and returns the lines it replied.
func runLine(t *testing.T, cmd Command, line string) ([]string, error) {
	t.Helper()

	inv, err := ParseInvocation(line)
	if err != nil {
		t.Fatalf("ParseInvocation(%q): %v", line, err)
	}
	req := &Request{Inv: inv}
	err = cmd.Run(context.Background(), req)
	return req.lines, err
}

func sel(t *testing.T, s string) fleet.Selector {
	t.Helper()
	v, err := fleet.ParseSelector(s)
	if err != nil {
		t.Fatalf("ParseSelector(%q): %v", s, err)
	}
	return v
}

func TestNodesQuery(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		state fleet.State
		sels  []string
		by    string
	}{
		{"nothing", "nodes", fleet.StateAll, nil, ""},
		{"state", "nodes unhealthy", fleet.StateUnhealthy, nil, ""},
		{"all", "nodes all", fleet.StateAll, nil, ""},
		{"maint", "nodes maint", fleet.StateMaint, nil, ""},
		{"selector", "nodes healthy storage=devmapper", fleet.StateHealthy, []string{"storage=devmapper"}, ""},
		{"several", "nodes all kernel=4.* distro!=debian tag=gpu", fleet.StateAll,
			[]string{"kernel=4.*", "distro!=debian", "tag=gpu"}, ""},
		{"bare glob", "nodes dm-*", fleet.StateAll, []string{"dm-*"}, ""},
		{"bare name", "nodes unhealthy dm-3", fleet.StateUnhealthy, []string{"dm-3"}, ""},
		{"by", "nodes unhealthy storage=devmapper by kernel", fleet.StateUnhealthy,
			[]string{"storage=devmapper"}, "kernel"},
		{"by first", "nodes by kernel unhealthy", fleet.StateUnhealthy, nil, "kernel"},
		{"quoted name", `nodes "dm-3"`, fleet.StateAll, []string{"dm-3"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &fakeInventory{}
			if _, err := runLine(t, Nodes(inv), tt.line); err != nil {
				t.Fatalf("%s: %v", tt.line, err)
			}

			var want fleet.Selectors
			for _, s := range tt.sels {
				want = append(want, sel(t, s))
			}
			q := inv.queries[0]
			if q.State != tt.state || q.By != tt.by || !slices.Equal(q.Selectors, want) {
				t.Fatalf("query = %+v, want state %v, selectors %v, by %q", q, tt.state, want, tt.by)
			}
		})
	}
}

func TestNodesUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{"option", "nodes --force", "no options"},
		{"by without key", "nodes unhealthy by", "by needs a key"},
		{"by with selector", "nodes by kernel=4", "by needs a key"},
		{"two by", "nodes by kernel by distro", "one key"},
		{"two states", "nodes unhealthy healthy", "one of"},
		{"bad node name", "nodes dm/1", `bad selector "dm/1"`},
		{"quoted selector", `nodes "kernel=4"`, "node names have no '='"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &fakeInventory{}
			_, err := runLine(t, Nodes(inv), tt.line)

			var usage *UsageError
			if !errors.As(err, &usage) || !strings.Contains(usage.Reason, tt.want) {
				t.Fatalf("%s: error = %v, want a usage error saying %q", tt.line, err, tt.want)
			}
			if len(inv.queries) != 0 {
				t.Fatalf("the inventory was asked %v after a usage error", inv.queries)
			}
		})
	}
}

// fleetListing is a listing of four nodes, one of each health.
var fleetListing = fleet.Listing{
	Counts: fleet.Counts{Unhealthy: 2, Warning: 1, Maint: 1, Healthy: 44},
	Nodes: []fleet.NodeView{
		{
			Name: "dm-3", Health: fleet.Unhealthy,
			Critical: []string{"docker", "disk", "ntp", "load"},
			Warning:  []string{"swap"},
			Values: []fleet.KeyValue{
				{Key: "kernel", Value: "4.19.0-17"}, {Key: "storage", Value: "devmapper"},
			},
		},
		{Name: "dm-9", Health: fleet.Warning, Warning: []string{"swap"}},
		{Name: "dm-5", Health: fleet.Maint, Maintenance: true, MaintenanceReason: "kernel upgrade",
			Values: []fleet.KeyValue{{Key: "kernel", Value: "5.10.0"}}},
		{Name: "dm-1", Health: fleet.Healthy, Values: []fleet.KeyValue{{Key: "kernel", Value: "5.10.0"}}},
	},
}

func TestNodesLines(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		listing fleet.Listing
		want    []string
	}{
		{
			name: "all", line: "nodes", listing: fleetListing,
			want: []string{
				"48 nodes; 2 unhealthy, 1 warning, 1 maint, 44 ok",
				"dm-3 critical: docker, disk, ntp +1; warning: swap; kernel=4.19.0-17 storage=devmapper",
				"dm-9 warning: swap",
				"dm-5 maint (kernel upgrade; set outside gordon); kernel=5.10.0",
				"dm-1 ok; kernel=5.10.0",
			},
		},
		{
			name: "unhealthy with selectors", line: "nodes unhealthy storage=devmapper",
			listing: fleet.Listing{Counts: fleetListing.Counts, Nodes: fleetListing.Nodes[:1]},
			want: []string{
				"2 of 48 unhealthy (storage=devmapper); 1 warning, 1 maint",
				"dm-3 critical: docker, disk, ntp +1; warning: swap; kernel=4.19.0-17 storage=devmapper",
			},
		},
		{
			name: "healthy", line: "nodes healthy", listing: fleet.Listing{Counts: fleet.Counts{Healthy: 3}},
			want: []string{"3 of 3 healthy"},
		},
		{
			name: "maint", line: "nodes maint", listing: fleet.Listing{Counts: fleet.Counts{Maint: 1, Healthy: 1}},
			want: []string{"1 of 2 in maintenance"},
		},
		{
			name: "none match", line: "nodes unhealthy kernel=2.*", listing: fleet.Listing{},
			want: []string{"no nodes (kernel=2.*)"},
		},
		{
			name: "partial", line: "nodes", listing: fleet.Listing{Counts: fleet.Counts{Healthy: 1}, Partial: true},
			want: []string{"1 node; 1 ok; ACLs hid some nodes or checks"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := runLine(t, Nodes(&fakeInventory{listing: tt.listing}), tt.line)
			if err != nil {
				t.Fatalf("%s: %v", tt.line, err)
			}
			if !slices.Equal(lines, tt.want) {
				t.Fatalf("%s answered\n%s\nwant\n%s", tt.line, strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestNodesGroupedLines(t *testing.T) {
	listing := fleet.Listing{
		Counts: fleet.Counts{Unhealthy: 9, Healthy: 39},
		Groups: []fleet.Group{
			{Value: "4.19", Counts: fleet.Counts{Unhealthy: 7, Healthy: 5},
				Nodes: []string{"dm-1", "dm-2", "dm-3", "dm-4", "dm-5", "dm-6", "dm-7"}},
			{Value: "5.10", Counts: fleet.Counts{Unhealthy: 2, Healthy: 28}, Nodes: []string{"dm-8", "dm-9"}},
			{Missing: true, Counts: fleet.Counts{Healthy: 6}},
		},
	}
	tests := []struct {
		name string
		line string
		want []string
	}{
		{
			name: "unhealthy", line: "nodes unhealthy storage=devmapper by kernel",
			want: []string{
				"9 of 48 unhealthy (storage=devmapper); by kernel",
				"kernel 4.19: 7 of 12 unhealthy: dm-1 dm-2 dm-3 dm-4 dm-5 +2",
				"kernel 5.10: 2 of 30 unhealthy: dm-8 dm-9",
				"kernel (none): 0 of 6 unhealthy",
			},
		},
		{
			name: "all", line: "nodes by kernel",
			want: []string{
				"48 nodes; 9 unhealthy, 39 ok; by kernel",
				"kernel 4.19: 12 nodes: 7 unhealthy, 5 ok",
				"kernel 5.10: 30 nodes: 2 unhealthy, 28 ok",
				"kernel (none): 6 nodes: 6 ok",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := runLine(t, Nodes(&fakeInventory{listing: listing}), tt.line)
			if err != nil {
				t.Fatalf("%s: %v", tt.line, err)
			}
			if !slices.Equal(lines, tt.want) {
				t.Fatalf("%s answered\n%s\nwant\n%s", tt.line, strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestNodesErrors(t *testing.T) {
	unreachable := errors.New("list nodes: consul unreachable at 127.0.0.1:8500: connection refused")
	tests := []struct {
		name     string
		err      error
		wantUser bool
	}{
		{"unknown key", &fleet.UnknownKeyError{Key: "kernal", Known: []string{"kernel"}}, true},
		{"unknown by key", fmt.Errorf("group by: %w", &fleet.UnknownKeyError{Key: "x"}), true},
		{"unquotable value", &fleet.SelectorError{Input: "a=`\"", Reason: "cannot"}, true},
		{"no tags", fleet.ErrNoTags, true},
		{"consul down", unreachable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runLine(t, Nodes(&fakeInventory{err: tt.err}), "nodes kernal=4")

			var user *UserError
			if got := errors.As(err, &user); got != tt.wantUser {
				t.Fatalf("error = %v (a *UserError: %v), want a *UserError: %v", err, got, tt.wantUser)
			}
			if err == nil || !strings.Contains(err.Error(), tt.err.Error()) {
				t.Fatalf("error = %v, want it to say %q", err, tt.err)
			}
		})
	}
}

func TestNodeLines(t *testing.T) {
	tests := []struct {
		name   string
		detail fleet.NodeDetail
		want   []string
	}{
		{
			name: "unhealthy",
			detail: fleet.NodeDetail{
				Name: "dm-3", Address: "10.0.0.3", Health: fleet.Unhealthy, Checks: 6,
				Values: []fleet.KeyValue{{Key: "kernel", Value: "4.19.0-17"}, {Key: "distro", Value: "debian"}},
				Failing: []fleet.CheckView{
					{Name: "docker", Service: "docker", Status: "critical", Output: "token=[redacted] refused"},
					{Name: "load", Status: "warning"},
				},
				Services: []string{"docker", "jenkins"}, Tags: []string{"gpu"},
			},
			want: []string{
				"dm-3 (10.0.0.3): unhealthy, 2 of 6 checks failing; not in maintenance",
				"kernel=4.19.0-17; distro=debian; services: docker, jenkins; tags: gpu",
				"critical docker (service docker): token=[redacted] refused",
				"warning load",
			},
		},
		{
			name: "maintenance",
			detail: fleet.NodeDetail{
				Name: "dm-5", Health: fleet.Maint, Checks: 3,
				Maintenance: true, MaintenanceReason: "kernel upgrade",
			},
			want: []string{"dm-5: in maintenance (kernel upgrade; set outside gordon); 3 checks, all passing"},
		},
		{
			name:   "no checks",
			detail: fleet.NodeDetail{Name: "dm-7", Health: fleet.Healthy},
			want:   []string{"dm-7: ok, no checks; not in maintenance"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &fakeInventory{detail: tt.detail}
			lines, err := runLine(t, Node(inv, nil), "node "+tt.detail.Name)
			if err != nil {
				t.Fatalf("node %s: %v", tt.detail.Name, err)
			}
			if !slices.Equal(lines, tt.want) {
				t.Fatalf("answered\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
			}
			if !slices.Equal(inv.names, []string{tt.detail.Name}) {
				t.Fatalf("asked for %v", inv.names)
			}
		})
	}
}

func TestNodeErrors(t *testing.T) {
	tests := []struct {
		name      string
		line      string
		err       error
		wantUsage bool
		wantText  string
	}{
		{"no name", "node", nil, true, "one node name"},
		{"two names", "node dm-1 dm-2", nil, true, "one node name"},
		{"selector", "node kernel=4", nil, true, "one node name"},
		{"glob", "node dm-*", nil, true, "not a pattern"},
		{"bad name", "node dm/1", nil, true, "bad selector"},
		{"unknown node", "node dm-99", fmt.Errorf("%w: dm-99", fleet.ErrNoNode), false, `no node "dm-99"`},
		{"consul down", "node dm-1", errors.New("consul unreachable"), false, "consul unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runLine(t, Node(&fakeInventory{err: tt.err}, nil), tt.line)

			var usage *UsageError
			if errors.As(err, &usage) != tt.wantUsage {
				t.Fatalf("%s: error = %v, want a usage error: %v", tt.line, err, tt.wantUsage)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("%s: error = %v, want it to say %q", tt.line, err, tt.wantText)
			}
		})
	}
}

func TestNodeCommandsRegister(t *testing.T) {
	reg := NewRegistry()
	reg.Register(NodeCommands(&fakeInventory{}, nil)...)

	for _, name := range []string{"nodes", "node"} {
		c := reg.Lookup(name)
		if c == nil || c.Role != RoleAnyone || c.Action {
			t.Fatalf("%s = %+v, want a query anyone may run", name, c)
		}
	}
}

// fakeAgentList answers Agents with a fixed list, or an error.
type fakeAgentList struct {
	list []JenkinsAgent
	err  error
}

func (f fakeAgentList) Agents(context.Context) ([]JenkinsAgent, error) { return f.list, f.err }

func TestNodeShowsItsJenkinsAgent(t *testing.T) {
	detail := fleet.NodeDetail{Name: "dm-7", Health: fleet.Healthy}
	down := briefError{user: &UserError{Msg: "Jenkins is unreachable"}, err: errors.New("dial tcp: refused")}
	tests := []struct {
		name   string
		agents fakeAgentList
		want   string
	}{
		{"online", fakeAgentList{list: []JenkinsAgent{{Name: "dm-6"}, {Name: "dm-7"}}}, "jenkins agent: online"},
		{"offline", fakeAgentList{list: []JenkinsAgent{{Name: "dm-7", Offline: true, Reason: "disk swap\n(alice)"}}},
			"jenkins agent: offline: disk swap (alice)"},
		{"none", fakeAgentList{list: []JenkinsAgent{{Name: "dm-6"}}}, "jenkins agent: none named dm-7"},
		{"jenkins down", fakeAgentList{err: &down}, "jenkins agent: unknown (Jenkins is unreachable)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := runLine(t, Node(&fakeInventory{detail: detail}, tt.agents), "node dm-7")
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) != 2 || lines[1] != tt.want {
				t.Fatalf("answered %q, want a second line %q", lines, tt.want)
			}
		})
	}
}
