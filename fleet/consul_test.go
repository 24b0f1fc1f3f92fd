package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/internal/testbed"
)

// What main relies on: the client serves tags as it is, the adapter
// serves nodes, and the inventory serves the nodes commands.
var (
	_ fleet.TagSource    = (*consul.Client)(nil)
	_ fleet.NodeSource   = fleet.ConsulSource{}
	_ commands.Inventory = (*fleet.Inventory)(nil)
)

// Facts the synthetic fleet draws from.
var (
	kernels  = []string{"3.16.0-11", "4.9.0-8", "4.19.0-17", "4.19.0-21", "5.10.0-9", "5.10.0-21", "6.1.0-13"}
	distros  = []string{"debian", "ubuntu", "centos", "fedora"}
	storages = []string{"devmapper", "overlay2", "aufs", "btrfs"}
	dockers  = []string{"Docker version 1.7.0-rc1, build 0baf609", "Docker version 1.6.2, build 7c8fca2", "1.8.0-dev"}
	tagSets  = [][]string{nil, {"linux"}, {"linux", "gpu"}, {"arm"}}
)

// syntheticFleet returns n nodes with facts drawn from the lists above,
// the same for the same seed. Some nodes lack a fact; about one in eight
// has a critical check, more of those on 4.19 kernels with devmapper so a
// `by kernel` listing has a pattern to show; a few are in maintenance or
// warn.
func syntheticFleet(n int, seed uint64) []testbed.ConsulNode {
	r := rand.New(rand.NewPCG(seed, seed))
	nodes := make([]testbed.ConsulNode, n)
	for i := range nodes {
		meta := map[string]string{
			"kernel":         kernels[r.IntN(len(kernels))],
			"distro":         distros[r.IntN(len(distros))],
			"storage":        storages[r.IntN(len(storages))],
			"docker_version": dockers[r.IntN(len(dockers))],
		}
		if r.IntN(10) == 0 {
			delete(meta, "storage")
		}

		nodes[i] = testbed.ConsulNode{
			Name:   fmt.Sprintf("ci-%04d", i),
			Meta:   meta,
			Checks: syntheticChecks(r, meta),
		}
		if tags := tagSets[r.IntN(len(tagSets))]; tags != nil {
			nodes[i].Services = []testbed.ConsulService{{ID: "jenkins", Name: "jenkins", Tags: tags}}
		}
	}
	return nodes
}

// syntheticChecks draws a node's checks.
func syntheticChecks(r *rand.Rand, meta map[string]string) []testbed.ConsulCheck {
	odds := 12
	if meta["storage"] == "devmapper" && meta["kernel"][:4] == "4.19" {
		odds = 3
	}

	checks := []testbed.ConsulCheck{{ID: "serf", Name: "serf", Status: "passing"}}
	switch {
	case r.IntN(odds) == 0:
		checks = append(checks, testbed.ConsulCheck{ID: "docker", Name: "docker", Status: "critical",
			Output: "Cannot connect to the Docker daemon, token=s3cr3t"})
	case r.IntN(40) == 0:
		checks = append(checks, testbed.ConsulCheck{ID: "_node_maintenance", Name: "Node Maintenance Mode",
			Status: "critical", Notes: "reimage"})
	case r.IntN(30) == 0:
		checks = append(checks, testbed.ConsulCheck{ID: "load", Name: "load", Status: "warning"})
	}
	return checks
}

// startFleet starts a dev agent with nodes registered and returns an
// inventory over it.
func startFleet(t testing.TB, nodes []testbed.ConsulNode) (*testbed.Consul, *fleet.Inventory) {
	t.Helper()
	t.Setenv("CONSUL_HTTP_TOKEN", "")
	t.Setenv("CONSUL_HTTP_TOKEN_FILE", "")

	agent := testbed.StartConsul(t, testbed.ConsulOptions{})
	agent.Register(t, nodes...)

	c, err := consul.New(consul.Config{Address: agent.Addr})
	if err != nil {
		t.Fatalf("consul.New: %v", err)
	}
	return agent, fleet.NewInventory(fleet.ConsulSource{Client: c}, c, fleet.DefaultMetaKeys())
}

// expected returns the names of the nodes that sels pick, by the fleet's
// own matching, sorted. The agent's own node, with no facts and no tags,
// is in the catalog too.
func expected(nodes []testbed.ConsulNode, sels fleet.Selectors) []string {
	var names []string
	for _, n := range append(slices.Clone(nodes), testbed.ConsulNode{Name: testbed.ConsulNodeName}) {
		var tags []string
		for _, s := range n.Services {
			tags = append(tags, s.Tags...)
		}
		meta := map[string]string{}
		for display, key := range fleet.DefaultMetaKeys() {
			if v, ok := n.Meta[key]; ok {
				meta[display] = v
			}
		}
		if sels.Matches(n.Name, meta, tags) {
			names = append(names, n.Name)
		}
	}
	slices.Sort(names)
	return names
}

func TestConsulSelectorsAgree(t *testing.T) {
	nodes := syntheticFleet(80, 1)
	_, inv := startFleet(t, nodes)

	tests := []struct {
		name      string
		selectors []string
	}{
		{"equal", []string{"storage=devmapper"}},
		{"not equal", []string{"storage!=devmapper"}},
		{"glob", []string{"kernel=4.19*"}},
		{"not glob", []string{"kernel!=4.*"}},
		{"glob on a sometimes missing key", []string{"storage=*"}},
		{"not glob on a sometimes missing key", []string{"storage!=over*"}},
		{"question mark", []string{"kernel=?.10.0-9"}},
		{"display name", []string{"docker=Docker*rc1*"}},
		{"node", []string{"node=ci-0007"}},
		{"bare glob", []string{"ci-00?5"}},
		{"node not glob", []string{"node!=ci-00*"}},
		{"tag", []string{"tag=gpu"}},
		{"tag not equal", []string{"tag!=linux"}},
		{"tag glob", []string{"tag=a*"}},
		{"several", []string{"kernel=4.*", "distro!=debian", "storage=devmapper", "tag=linux"}},
		{"none match", []string{"storage=zfs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sels := parse(t, tt.selectors...)
			l, err := inv.List(context.Background(), fleet.Query{Selectors: sels})
			if err != nil {
				t.Fatalf("List(%v): %v", sels, err)
			}

			var got []string
			for _, v := range l.Nodes {
				got = append(got, v.Name)
			}
			slices.Sort(got)
			want := expected(nodes, sels)
			if !slices.Equal(got, want) {
				t.Fatalf("%v picked %d nodes %v\nwant %d %v", sels, len(got), got, len(want), want)
			}
		})
	}
}

func parse(t *testing.T, inputs ...string) fleet.Selectors {
	t.Helper()

	var sels fleet.Selectors
	for _, in := range inputs {
		s, err := fleet.ParseSelector(in)
		if err != nil {
			t.Fatalf("ParseSelector(%q): %v", in, err)
		}
		sels = append(sels, s)
	}
	return sels
}

// demoFleet is a small fleet whose grouping is easy to check by hand.
var demoFleet = []testbed.ConsulNode{
	{Name: "dm-1", Meta: map[string]string{"kernel": "4.19.0-17", "storage": "devmapper"},
		Checks: []testbed.ConsulCheck{{ID: "docker", Name: "docker", Status: "critical"}}},
	{Name: "dm-2", Meta: map[string]string{"kernel": "4.19.0-21", "storage": "devmapper"},
		Checks: []testbed.ConsulCheck{{ID: "disk", Name: "disk", Status: "critical",
			Output: "Get https://ci:hunter2@registry:5000/v2/\nconnection refused"}}},
	{Name: "dm-3", Meta: map[string]string{"kernel": "4.19.2", "storage": "devmapper"}},
	{Name: "dm-4", Meta: map[string]string{"kernel": "5.10.0-9", "storage": "devmapper"}},
	{Name: "dm-5", Meta: map[string]string{"kernel": "5.10.0-21", "storage": "devmapper"},
		Checks: []testbed.ConsulCheck{{ID: "_node_maintenance", Name: "maint", Status: "critical",
			Notes: "kernel upgrade"}}},
	{Name: "dm-6", Meta: map[string]string{"storage": "devmapper"},
		Checks: []testbed.ConsulCheck{{ID: "load", Name: "load", Status: "warning"}}},
	{Name: "ov-1", Meta: map[string]string{"kernel": "4.19.0-17", "storage": "overlay2"},
		Checks: []testbed.ConsulCheck{{ID: "docker", Name: "docker", Status: "critical"}}},
}

func TestConsulGroupByKernel(t *testing.T) {
	_, inv := startFleet(t, demoFleet)

	q := fleet.Query{State: fleet.StateUnhealthy, Selectors: parse(t, "storage=devmapper"), By: "kernel"}
	l, err := inv.List(context.Background(), q)
	if err != nil {
		t.Fatalf("List: %v", err)
	}

	if want := (fleet.Counts{Unhealthy: 2, Warning: 1, Maint: 1, Healthy: 2}); l.Counts != want {
		t.Fatalf("counts = %+v, want %+v", l.Counts, want)
	}
	want := []fleet.Group{
		{Value: "4.19", Counts: fleet.Counts{Unhealthy: 2, Healthy: 1}, Nodes: []string{"dm-1", "dm-2"}},
		{Value: "5.10", Counts: fleet.Counts{Maint: 1, Healthy: 1}, Nodes: []string{}},
		{Missing: true, Counts: fleet.Counts{Warning: 1}, Nodes: []string{}},
	}
	if len(l.Groups) != len(want) {
		t.Fatalf("groups = %+v, want %+v", l.Groups, want)
	}
	for i, w := range want {
		g := l.Groups[i]
		if g.Value != w.Value || g.Missing != w.Missing || g.Counts != w.Counts || !slices.Equal(g.Nodes, w.Nodes) {
			t.Errorf("group %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestConsulNodeDetail(t *testing.T) {
	_, inv := startFleet(t, demoFleet)

	d, err := inv.Node(context.Background(), "dm-2")
	if err != nil {
		t.Fatalf("Node: %v", err)
	}
	want := fleet.CheckView{Name: "disk", Status: fleet.StatusCritical,
		Output: "Get https://ci:[redacted]@registry:5000/v2/ connection refused"}
	if d.Health != fleet.Unhealthy || len(d.Failing) != 1 || d.Failing[0] != want {
		t.Fatalf("dm-2 = %+v, want its disk check redacted on one line", d)
	}

	maint, err := inv.Node(context.Background(), "dm-5")
	if err != nil || !maint.Maintenance || maint.MaintenanceReason != "kernel upgrade" {
		t.Fatalf("dm-5 = %+v, %v; want in maintenance for a kernel upgrade", maint, err)
	}

	if _, err := inv.Node(context.Background(), "dm-99"); !errors.Is(err, fleet.ErrNoNode) {
		t.Fatalf("Node(dm-99) = %v, want ErrNoNode", err)
	}
}

func TestConsulStopped(t *testing.T) {
	agent, inv := startFleet(t, demoFleet[:1])
	agent.Stop()

	_, err := inv.List(context.Background(), fleet.Query{State: fleet.StateUnhealthy})
	if !errors.Is(err, consul.ErrUnreachable) {
		t.Fatalf("List with Consul stopped = %v, want consul.ErrUnreachable", err)
	}
}
