package upgrade

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/fleet"
)

const target = "24.0.1-rc1"

// at returns a node reporting Docker version v.
func at(name, v string) fleet.Node {
	n := fleet.Node{Name: name, Address: "10.0.0." + strings.TrimPrefix(name, "dm-"), Meta: map[string]string{}}
	if v != "" {
		n.Meta[DefaultVersionMeta] = "Docker version " + v + ", build 0baf609"
	}
	return n
}

// inMaint returns n in maintenance by its agent.
func inMaint(n fleet.Node) fleet.Node {
	n.Maintenance = true
	return n
}

// recorded returns n in maintenance by gordon's record only.
func recorded(n fleet.Node) fleet.Node {
	n.Record = &fleet.MaintRecord{Node: n.Name, On: true, Who: "alice"}
	return n
}

// fleetOf returns nodes dm-1 to dm-n at 23.0.0.
func fleetOf(n int) []fleet.Node {
	nodes := make([]fleet.Node, n)
	for i := range nodes {
		nodes[i] = at(fmt.Sprintf("dm-%d", i+1), "23.0.0")
	}
	return nodes
}

// agentsOf returns an online agent for each node, labelled with its own
// name (as Jenkins does) and linux.
func agentsOf(nodes []fleet.Node) []Agent {
	agents := make([]Agent, len(nodes))
	for i, n := range nodes {
		agents[i] = Agent{Name: n.Name, Labels: []string{n.Name, "linux"}}
	}
	return agents
}

// withLabel adds label to the named agents.
func withLabel(agents []Agent, label string, names ...string) []Agent {
	for i := range agents {
		if slices.Contains(names, agents[i].Name) {
			agents[i].Labels = append(agents[i].Labels, label)
		}
	}
	return agents
}

// offline marks the named agents offline.
func offline(agents []Agent, names ...string) []Agent {
	for i := range agents {
		if slices.Contains(names, agents[i].Name) {
			agents[i].Offline = true
		}
	}
	return agents
}

// shape writes a plan's batches as "c:dm-1 | dm-2 dm-3", canaries marked.
func shape(p Plan) string {
	parts := make([]string, len(p.Batches))
	for i, b := range p.Batches {
		parts[i] = strings.Join(targetNames(b.Targets), " ")
		if b.Canary {
			parts[i] = "c:" + parts[i]
		}
	}
	return strings.Join(parts, " | ")
}

func TestMake(t *testing.T) {
	limits := Limits{Batch: 2, Canary: 1, MaxFail: 1}
	tests := []struct {
		name     string
		nodes    []fleet.Node
		agents   []Agent
		limits   Limits
		want     string
		inMaint  []string
		atTarget []string
		held     []Held
	}{
		{
			name:   "canary then batches in name order",
			nodes:  []fleet.Node{at("dm-10", "23.0.0"), at("dm-2", "23.0.0"), at("dm-1", "23.0.0"), at("dm-3", "")},
			limits: limits,
			want:   "c:dm-1 | dm-2 dm-3 | dm-10",
		},
		{
			name:   "no canary",
			nodes:  fleetOf(5),
			limits: Limits{Batch: 2},
			want:   "dm-1 dm-2 | dm-3 dm-4 | dm-5",
		},
		{
			name: "maintenance and the target left out",
			nodes: []fleet.Node{
				inMaint(at("dm-1", "23.0.0")), recorded(at("dm-2", "23.0.0")), at("dm-3", target),
				at("dm-4", "v"+target+"+dirty"), at("dm-5", "24.0.1"), at("dm-6", "24.0.1-rc2"),
			},
			limits:   limits,
			want:     "c:dm-5 | dm-6",
			inMaint:  []string{"dm-1", "dm-2"},
			atTarget: []string{"dm-3", "dm-4"},
		},
		{
			name:   "two agents of a label never go together",
			nodes:  fleetOf(4),
			agents: withLabel(agentsOf(fleetOf(4)), "gpu", "dm-1", "dm-2"),
			limits: Limits{Batch: 2},
			want:   "dm-1 dm-3 | dm-2 dm-4",
		},
		{
			name:   "the canaries keep the rule too",
			nodes:  fleetOf(4),
			agents: withLabel(agentsOf(fleetOf(4)), "gpu", "dm-1", "dm-2"),
			limits: Limits{Batch: 2, Canary: 2},
			want:   "c:dm-1 dm-3 | dm-2 dm-4",
		},
		{
			name:   "the last online agent of a label is held back",
			nodes:  fleetOf(4),
			agents: offline(withLabel(agentsOf(fleetOf(4)), "arm64", "dm-2", "dm-3"), "dm-3"),
			limits: limits,
			want:   "c:dm-1 | dm-3 dm-4",
			held:   []Held{{Node: "dm-2", Label: "arm64"}},
		},
		{
			name:   "an offline agent takes nothing away",
			nodes:  fleetOf(4),
			agents: offline(withLabel(agentsOf(fleetOf(4)), "gpu", "dm-1", "dm-2", "dm-3", "dm-4"), "dm-1"),
			limits: Limits{Batch: 3},
			want:   "dm-1 dm-2 dm-3 | dm-4",
		},
		{
			name:   "a node without an agent goes anywhere",
			nodes:  fleetOf(3),
			agents: withLabel(agentsOf(fleetOf(2)), "gpu", "dm-1", "dm-2"),
			limits: Limits{Batch: 2},
			want:   "dm-1 dm-3 | dm-2",
		},
		{
			name:   "a label of three lets two go at once",
			nodes:  fleetOf(3),
			agents: withLabel(agentsOf(fleetOf(3)), "gpu", "dm-1", "dm-2", "dm-3"),
			limits: Limits{Batch: 3},
			want:   "dm-1 dm-2 | dm-3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.nodes)
			p := Make(Params{Version: target, Limits: tt.limits, VersionMeta: DefaultVersionMeta}, tt.nodes, tt.agents)

			if got := shape(p); got != tt.want {
				t.Errorf("batches = %q, want %q", got, tt.want)
			}
			if !slices.Equal(p.InMaint, tt.inMaint) || !slices.Equal(p.AtTarget, tt.atTarget) ||
				!slices.Equal(p.Held, tt.held) {
				t.Errorf("left out: maint %v, at target %v, held %v; want %v, %v, %v",
					p.InMaint, p.AtTarget, p.Held, tt.inMaint, tt.atTarget, tt.held)
			}
			if p.Matched != len(tt.nodes) || !slices.EqualFunc(before, tt.nodes, func(a, b fleet.Node) bool {
				return a.Name == b.Name
			}) {
				t.Errorf("matched %d of %d, or the nodes given were reordered", p.Matched, len(tt.nodes))
			}
		})
	}
}

func TestMakeKeepsEveryNodeOnce(t *testing.T) {
	nodes := fleetOf(500)
	agents := agentsOf(nodes)
	for i := range agents {
		agents[i].Labels = append(agents[i].Labels, fmt.Sprintf("kind-%d", i%7))
	}

	p := Make(Params{Version: target, Limits: Limits{Batch: 5, Canary: 2}, VersionMeta: DefaultVersionMeta},
		nodes, agents)

	seen := map[string]bool{}
	rule := newLabelRule(agents)
	for i, b := range p.Batches {
		if len(b.Targets) == 0 || len(b.Targets) > 5 || (b.Canary != (i == 0)) {
			t.Fatalf("batch %d = %+v", i, b)
		}
		if label, broken := rule.breaks(b.Targets); broken {
			t.Fatalf("batch %d takes the last online agent of %s offline", i, label)
		}
		for _, tg := range b.Targets {
			if seen[tg.Node] || tg.Version != target || tg.Address == "" {
				t.Fatalf("target %+v twice or incomplete", tg)
			}
			seen[tg.Node] = true
		}
	}
	if len(seen) != 500 {
		t.Fatalf("%d nodes planned, want 500", len(seen))
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"24.0.1-rc1", "24.0.1-rc1"},
		{"v24.0.1", "24.0.1"},
		{"1.7", "1.7"},
		{"24", ""},
		{"vv24.0.1", ""},
		{"24.0.1-", ""},
		{"latest", ""},
		{"24.0.1;reboot", ""},
		{"Docker version 24.0.1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseVersion(tt.in)
			if got != tt.want || (err == nil) != (tt.want != "") {
				t.Fatalf("ParseVersion(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestPlanLines(t *testing.T) {
	nodes := []fleet.Node{inMaint(at("dm-1", "23.0.0")), at("dm-2", target)}
	nodes = append(nodes, fleetOf(8)[2:]...)
	agents := withLabel(agentsOf(nodes), "gpu", "dm-8")
	p := Make(Params{Version: target, Limits: Limits{Batch: 2, Canary: 1, MaxFail: 1},
		VersionMeta: DefaultVersionMeta}, nodes, agents)
	p.Selectors = "storage=overlay"

	want := []string{
		"upgrade to 24.0.1-rc1 (storage=overlay): 5 nodes in 1 canary, then 2 batches of up to 2; " +
			"halts when more than 1 fail",
		"left out: 1 in maintenance (dm-1), 1 already at 24.0.1-rc1, " +
			"1 held back (dm-8 is the last online agent of gpu)",
		"order: canary dm-3 | dm-4 dm-5 | dm-6 dm-7",
	}
	if got := p.Lines(); !slices.Equal(got, want) {
		t.Fatalf("lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	none := Make(Params{Version: target, Limits: Limits{Batch: 2}, VersionMeta: DefaultVersionMeta},
		[]fleet.Node{at("dm-2", target)}, nil)
	if got := strings.Join(none.Lines(), "\n"); got != "nothing to upgrade to 24.0.1-rc1 (the whole fleet): 1 node matched\n"+
		"left out: 1 already at 24.0.1-rc1" {
		t.Fatalf("empty plan lines = %q", got)
	}
	if got := (Plan{Selectors: "storage=zfs"}).Lines(); !slices.Equal(got, []string{"no node matches storage=zfs"}) {
		t.Fatalf("no match lines = %q", got)
	}
}
