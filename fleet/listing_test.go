package fleet

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// fakeSource serves a fixed fleet and records the filters it was given.
// It applies no filter itself: tests that need filtering use a real
// Consul.
type fakeSource struct {
	nodes    []Node
	services map[string][]string // service -> tags
	members  map[string][]string // service -> nodes
	partial  bool
	err      error

	filters     []string
	tagRequests []string // "service filter"
}

func (f *fakeSource) Nodes(ctx context.Context, filter string) (NodeList, error) {
	f.filters = append(f.filters, filter)
	return NodeList{Nodes: slices.Clone(f.nodes), Partial: f.partial}, f.err
}

func (f *fakeSource) Node(ctx context.Context, name string) (Node, bool, error) {
	for _, n := range f.nodes {
		if n.Name == name {
			return n, true, f.err
		}
	}
	return Node{}, false, f.err
}

func (f *fakeSource) ServiceTags(ctx context.Context) (map[string][]string, error) {
	return f.services, f.err
}

func (f *fakeSource) ServiceNodes(ctx context.Context, service, filter string) ([]string, error) {
	f.tagRequests = append(f.tagRequests, service+" "+filter)
	return f.members[service], f.err
}

func critical(name string) Check { return Check{ID: name, Name: name, Status: StatusCritical} }
func warning(name string) Check  { return Check{ID: name, Name: name, Status: StatusWarning} }

// smallFleet has nodes of every health over two kernels, and one node
// that reports no kernel.
func smallFleet() *fakeSource {
	return &fakeSource{
		nodes: []Node{
			{Name: "dm-10", Meta: map[string]string{"kernel": "4.19.0-17", "storage": "devmapper"},
				Checks: []Check{critical("docker"), warning("load")}},
			{Name: "dm-2", Meta: map[string]string{"kernel": "4.19.2", "storage": "devmapper"},
				Checks: []Check{critical("disk")}},
			{Name: "dm-3", Meta: map[string]string{"kernel": "5.10.0", "storage": "devmapper"}},
			{Name: "dm-4", Meta: map[string]string{"kernel": "5.10.1", "storage": "overlay2"},
				Checks: []Check{warning("load")}},
			{Name: "dm-5", Meta: map[string]string{"kernel": "5.10.1"}, Maintenance: true,
				MaintenanceReason: "upgrade\nby alice password=x", Checks: []Check{critical("docker")}},
			{Name: "dm-6"},
		},
	}
}

func viewNames(views []NodeView) []string {
	var names []string
	for _, v := range views {
		names = append(names, v.Name)
	}
	return names
}

func TestListStates(t *testing.T) {
	tests := []struct {
		name  string
		state State
		want  []string
	}{
		{"all", StateAll, []string{"dm-2", "dm-10", "dm-4", "dm-5", "dm-3", "dm-6"}},
		{"unhealthy", StateUnhealthy, []string{"dm-2", "dm-10"}},
		{"healthy", StateHealthy, []string{"dm-4", "dm-3", "dm-6"}},
		{"maint", StateMaint, []string{"dm-5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := NewInventory(smallFleet(), nil, DefaultMetaKeys())
			l, err := inv.List(context.Background(), Query{State: tt.state})
			if err != nil {
				t.Fatalf("List: %v", err)
			}

			if got := viewNames(l.Nodes); !slices.Equal(got, tt.want) {
				t.Fatalf("nodes = %v, want %v", got, tt.want)
			}
			want := Counts{Unhealthy: 2, Warning: 1, Maint: 1, Healthy: 2}
			if l.Counts != want {
				t.Fatalf("counts = %+v, want %+v", l.Counts, want)
			}
		})
	}
}

func TestListView(t *testing.T) {
	inv := NewInventory(smallFleet(), nil, DefaultMetaKeys())
	l, err := inv.List(context.Background(), Query{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}

	first := l.Nodes[1]
	if first.Name != "dm-10" || !slices.Equal(first.Critical, []string{"docker"}) ||
		!slices.Equal(first.Warning, []string{"load"}) {
		t.Fatalf("dm-10 = %+v", first)
	}
	wantValues := []KeyValue{{"kernel", "4.19.0-17"}, {"storage", "devmapper"}}
	if !slices.Equal(first.Values, wantValues) {
		t.Fatalf("dm-10 values = %v, want %v", first.Values, wantValues)
	}

	maint := l.Nodes[3]
	if maint.Health != Maint || maint.MaintenanceReason != "upgrade by alice password=[redacted]" {
		t.Fatalf("dm-5 = %+v", maint)
	}
}

func TestListPassesFilter(t *testing.T) {
	src := smallFleet()
	src.partial = true
	inv := NewInventory(src, nil, DefaultMetaKeys())

	l, err := inv.List(context.Background(), Query{Selectors: parseAll(t, "storage=devmapper", "dm-*")})
	if err != nil {
		t.Fatalf("List: %v", err)
	}

	want := `Meta["storage"] == "devmapper" and Node matches "^dm-.*$"`
	if !slices.Equal(src.filters, []string{want}) {
		t.Fatalf("filters = %q, want %q", src.filters, want)
	}
	if !l.Partial {
		t.Fatal("a partial answer from the source is not marked partial")
	}
}

func TestListGroups(t *testing.T) {
	inv := NewInventory(smallFleet(), nil, DefaultMetaKeys())
	l, err := inv.List(context.Background(), Query{State: StateUnhealthy, By: "kernel"})
	if err != nil {
		t.Fatalf("List: %v", err)
	}

	want := []Group{
		{Value: "4.19", Counts: Counts{Unhealthy: 2}, Nodes: []string{"dm-2", "dm-10"}},
		{Value: "5.10", Counts: Counts{Warning: 1, Maint: 1, Healthy: 1}, Nodes: []string{}},
		{Missing: true, Counts: Counts{Healthy: 1}, Nodes: []string{}},
	}
	if len(l.Groups) != len(want) {
		t.Fatalf("groups = %+v, want %+v", l.Groups, want)
	}
	for i := range want {
		g, w := l.Groups[i], want[i]
		if g.Value != w.Value || g.Missing != w.Missing || g.Counts != w.Counts || !slices.Equal(g.Nodes, w.Nodes) {
			t.Errorf("group %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestListGroupOrder(t *testing.T) {
	src := &fakeSource{}
	for _, k := range []string{"5.4.0", "4.19.0", "4.9.1", "5.4.2", "devmapper", "10.1"} {
		src.nodes = append(src.nodes, Node{Name: "n" + k, Meta: map[string]string{"kernel": k}})
	}
	inv := NewInventory(src, nil, DefaultMetaKeys())

	l, err := inv.List(context.Background(), Query{By: "kernel"})
	if err != nil {
		t.Fatalf("List: %v", err)
	}

	var values []string
	for _, g := range l.Groups {
		values = append(values, g.Value)
	}
	if want := []string{"5.4", "4.9", "4.19", "10.1", "devmapper"}; !slices.Equal(values, want) {
		t.Fatalf("group order = %v, want %v (most nodes first, then by version)", values, want)
	}
}

func TestListErrors(t *testing.T) {
	down := errors.New("consul unreachable")
	tests := []struct {
		name string
		q    Query
		err  error
		want string
	}{
		{"unknown by", Query{By: "colour"}, nil, `group by: unknown key "colour"`},
		{"by node", Query{By: "node"}, nil, `unknown key "node" (keys: kernel, distro, storage, docker)`},
		{"unknown selector key", Query{Selectors: Selectors{{"colour", OpEqual, "red"}}}, nil, "unknown key"},
		{"tags without a source", Query{Selectors: Selectors{{KeyTag, OpEqual, "gpu"}}}, nil, ErrNoTags.Error()},
		{"source down", Query{}, down, "consul unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := smallFleet()
			src.err = tt.err
			_, err := NewInventory(src, nil, DefaultMetaKeys()).List(context.Background(), tt.q)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("List(%+v) = %v, want an error saying %q", tt.q, err, tt.want)
			}
			if tt.err == nil && len(src.filters) != 0 {
				t.Fatalf("the source was asked %q for a query that cannot be asked", src.filters)
			}
		})
	}
}

func TestListTags(t *testing.T) {
	tests := []struct {
		name      string
		selectors []string
		want      []string
		requests  []string
	}{
		{"equal", []string{"tag=gpu"}, []string{"dm-2", "dm-3"}, []string{`jenkins "gpu" in ServiceTags`}},
		{"not equal", []string{"tag!=gpu"}, []string{"dm-4", "dm-5", "dm-6", "dm-10"},
			[]string{`jenkins "gpu" in ServiceTags`}},
		{"glob", []string{"tag=l*"}, []string{"dm-2", "dm-3", "dm-10"},
			[]string{`docker "lvm" in ServiceTags`, `jenkins "linux" in ServiceTags`}},
		{"no service has it", []string{"tag=arm"}, nil, nil},
		{"two", []string{"tag=gpu", "tag=linux"}, []string{"dm-3"},
			[]string{`jenkins "gpu" in ServiceTags`, `jenkins "linux" in ServiceTags`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := smallFleet()
			src.services = map[string][]string{"jenkins": {"gpu", "linux"}, "docker": {"lvm"}}
			src.members = map[string][]string{"jenkins": {"dm-2", "dm-3"}, "docker": {"dm-10"}}
			if tt.name == "two" {
				src.members["jenkins"] = []string{"dm-3"}
			}
			inv := NewInventory(src, src, DefaultMetaKeys())

			l, err := inv.List(context.Background(), Query{Selectors: parseAll(t, tt.selectors...)})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			got := viewNames(l.Nodes)
			slices.SortFunc(got, compareNames)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("nodes = %v, want %v", got, tt.want)
			}
			if !slices.Equal(src.tagRequests, tt.requests) {
				t.Fatalf("asked for %q, want %q", src.tagRequests, tt.requests)
			}
		})
	}
}

func TestListGroupOrderAll(t *testing.T) {
	src := &fakeSource{}
	add := func(name, distro string, checks ...Check) {
		src.nodes = append(src.nodes, Node{Name: name, Meta: map[string]string{"distro": distro}, Checks: checks})
	}
	add("a1", "arch")
	add("a2", "arch")
	add("a3", "arch")
	add("c1", "centos", critical("docker"))
	add("d1", "debian")
	add("d2", "debian", critical("docker"))
	add("d3", "debian", critical("disk"))

	l, err := NewInventory(src, nil, DefaultMetaKeys()).List(context.Background(), Query{By: "distro"})
	if err != nil {
		t.Fatalf("List: %v", err)
	}

	var values []string
	for _, g := range l.Groups {
		values = append(values, g.Value)
	}
	if want := []string{"debian", "centos", "arch"}; !slices.Equal(values, want) {
		t.Fatalf("group order = %v, want %v (most unhealthy first)", values, want)
	}
}
