package commands

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

// TestMaintWithJenkins runs maint against gordon's Jenkins client and the
// Jenkins simulator, with Consul's agents faked: on takes each agent
// offline with the reason, off brings it back, and a node Jenkins does not
// know is said plainly without undoing Consul's part.
func TestMaintWithJenkins(t *testing.T) {
	sim := jenkinstest.Demo(jenkinstest.Config{User: "gordon", Token: "t0ken"}, []string{"dm-1", "dm-2"})
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	client, err := jenkins.New(jenkins.Config{URL: ts.URL, User: "gordon", Token: "t0ken"}, nil)
	if err != nil {
		t.Fatal(err)
	}

	d := newMaintDeps(3, false)
	d.jenkins = nil
	cmd := d.command()
	m := &maint{MaintOptions: MaintOptions{Nodes: d.nodes, Records: d.records, Agents: d.agents,
		Confirm: d.confirm, Jenkins: client, Logger: discardLogger()}, now: time.Now}
	cmd.Run = m.run
	ctx := context.Background()

	lines, err := runMaint(t, cmd, "maint dm-* on because disk", true)
	want := []string{
		"maint on for 3 nodes (dm-1, dm-2, dm-3): consul ok on all 3, jenkins offline on 2 of 3",
		`dm-3: jenkins agent not offline: no such node "dm-3"`,
	}
	if err != nil || !slices.Equal(lines, want) {
		t.Fatalf("maint on answered %q, %v\nwant %q", lines, err, want)
	}
	for _, name := range []string{"dm-1", "dm-2"} {
		comp, err := client.Computer(ctx, name)
		if err != nil || !comp.TemporarilyOffline || comp.OfflineReason != "because disk (alice via gordon)" {
			t.Fatalf("%s after maint on = %+v, %v; want offline because disk, by alice via gordon", name, comp, err)
		}
	}
	if got := d.agents.sorted(); len(got) != 3 {
		t.Fatalf("consul agent calls = %q, want all 3 despite Jenkins", got)
	}

	lines, err = runMaint(t, cmd, "maint dm-* off", true)
	if err != nil || len(lines) == 0 || lines[0] != "maint off for 3 nodes (dm-1, dm-2, dm-3): consul ok on all 3, jenkins online on 2 of 3" {
		t.Fatalf("maint off answered %q, %v", lines, err)
	}
	for _, name := range []string{"dm-1", "dm-2"} {
		comp, err := client.Computer(ctx, name)
		if err != nil || comp.TemporarilyOffline || comp.Offline {
			t.Fatalf("%s after maint off = %+v, %v; want online", name, comp, err)
		}
	}
	var toggles int
	for _, p := range sim.Posts() {
		if strings.HasSuffix(p.Path, "/toggleOffline") {
			toggles++
		}
	}
	if toggles != 4 {
		t.Fatalf("%d offline toggles, want 4: two agents offline, then back", toggles)
	}
}
