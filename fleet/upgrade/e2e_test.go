package upgrade_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/command"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
	"github.com/gordonbot/gordon/internal/testbed"
	"github.com/gordonbot/gordon/store"
)

// The fleet of the tests: overlay nodes ov-1 to ov-6, of which ov-5 is in
// maintenance and ov-6 already runs the target; a devmapper node the
// selectors leave out.
const (
	oldDocker = "Docker version 23.0.6, build ef23cbc"
	newDocker = "Docker version 24.0.1-rc1, build 0baf609"
)

func e2eNodes() []testbed.ConsulNode {
	var nodes []testbed.ConsulNode
	for _, name := range []string{"ov-1", "ov-2", "ov-3", "ov-4", "ov-5", "ov-6", "dm-1"} {
		storage, docker := "overlay", oldDocker
		switch name {
		case "dm-1":
			storage = "devmapper"
		case "ov-6":
			docker = newDocker
		}
		n := testbed.ConsulNode{Name: name, Meta: map[string]string{"storage": storage, "docker_version": docker},
			Checks: []testbed.ConsulCheck{{ID: "docker", Name: "docker", Status: api.HealthPassing}}}
		if name == "ov-5" {
			n.Checks = append(n.Checks, testbed.ConsulCheck{ID: consul.NodeMaintenanceCheckID,
				Name: "Node Maintenance Mode", Status: api.HealthCritical, Notes: "disk swap"})
		}
		nodes = append(nodes, n)
	}
	return nodes
}

// e2e is gordon's outside for an end-to-end test: ngircd, a Consul dev
// agent holding the fleet, the Jenkins stand-in with an agent per node,
// and the runner's scripts. gordon itself is started apart, and may be
// started again over the same store.
type e2e struct {
	t       *testing.T
	irc     *testbed.IRCServer
	cc      *consul.Client
	catalog *api.Catalog
	sim     *jenkinstest.Server
	jc      *jenkins.Client
	build   int64 // running on ov-4

	// dir holds the scripts; dir/state what each node runs once
	// upgraded, dir/runs.log the node of each run.
	dir       string
	storePath string
}

func newE2E(t *testing.T, runBody string) *e2e {
	t.Setenv("CONSUL_HTTP_TOKEN", "")
	t.Setenv("CONSUL_HTTP_TOKEN_FILE", "")
	e := &e2e{t: t, dir: t.TempDir()}
	e.storePath = filepath.Join(e.dir, "gordon.db")
	e.irc = testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})

	agent := testbed.StartConsul(t, testbed.ConsulOptions{})
	agent.Register(t, e2eNodes()...)
	var err error
	if e.cc, err = consul.New(consul.Config{Address: agent.Addr}); err != nil {
		t.Fatal(err)
	}
	apiCfg := api.DefaultConfig()
	apiCfg.Address = agent.Addr
	raw, err := api.NewClient(apiCfg)
	if err != nil {
		t.Fatal(err)
	}
	e.catalog = raw.Catalog()

	e.startJenkins()
	e.writeScripts(runBody)
	return e
}

// startJenkins starts the Jenkins stand-in with an agent per node: all
// labelled linux and by storage, ov-2 alone labelled gpu, and a build
// running on ov-4.
func (e *e2e) startJenkins() {
	e.sim = jenkinstest.New(jenkinstest.Config{User: "gordon", Token: "e2e-token"})
	e.sim.AddJob(jenkinstest.JobSpec{Name: "docker-pr", Concurrent: true, Params: []jenkinstest.ParamSpec{{Name: "PR"}}})
	for _, n := range e2eNodes() {
		labels := []string{"linux", n.Meta["storage"]}
		if n.Name == "ov-2" {
			labels = append(labels, "gpu")
		}
		e.sim.AddComputer(jenkinstest.ComputerSpec{Name: n.Name, Labels: labels})
	}
	var err error
	e.build, err = e.sim.AddBuild("docker-pr", jenkinstest.BuildSpec{Params: map[string]string{"PR": "1234"},
		Node: "ov-4", Started: time.Now()})
	if err != nil {
		e.t.Fatal(err)
	}

	srv := httptest.NewServer(e.sim)
	e.t.Cleanup(srv.Close)
	cfg := jenkins.Config{URL: srv.URL, User: "gordon", Token: "e2e-token"}
	cfg.Defaults()
	if e.jc, err = jenkins.New(cfg, slog.New(slog.DiscardHandler)); err != nil {
		e.t.Fatal(err)
	}
}

// writeScripts writes the runner, "upgrade-docker NODE VERSION", whose
// body after logging its run is runBody, and the probe, "docker-version
// NODE", which says what the runner recorded, or the old version.
func (e *e2e) writeScripts(runBody string) {
	if err := os.Mkdir(filepath.Join(e.dir, "state"), 0o755); err != nil {
		e.t.Fatal(err)
	}
	scripts := map[string]string{
		"upgrade-docker": "#!/bin/sh\ncd " + e.dir + "\necho \"$1\" >> runs.log\n" + runBody +
			"echo \"Docker version $2, build 0baf609\" > state/\"$1\"\n",
		"docker-version": "#!/bin/sh\ncat " + e.dir + "/state/\"$1\" 2>/dev/null || echo \"" + oldDocker + "\"\n",
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(e.dir, name), []byte(body), 0o755); err != nil {
			e.t.Fatal(err)
		}
	}
}

// runs returns the nodes the runner ran for, in order.
func (e *e2e) runs() []string {
	data, _ := os.ReadFile(filepath.Join(e.dir, "runs.log"))
	return strings.Fields(string(data))
}

// upgrader makes the Upgrader as gordon's main wires it, over the store.
func (e *e2e) upgrader(kv upgrade.Store) *upgrade.Upgrader {
	runner, err := command.New(command.Config{
		Argv:  []string{filepath.Join(e.dir, "upgrade-docker"), "{{.Node}}", "{{.Version}}"},
		Probe: []string{filepath.Join(e.dir, "docker-version"), "{{.Node}}"},
	}, nil)
	if err != nil {
		e.t.Fatal(err)
	}

	src := fleet.ConsulSource{Client: e.cc}
	settle := config.Duration(300 * time.Millisecond)
	cfg := upgrade.Config{Settle: &settle, Poll: config.Duration(50 * time.Millisecond),
		HealthTimeout: config.Duration(20 * time.Second), BuildWait: config.Duration(20 * time.Second)}
	agents := upgrade.JenkinsAgents{Client: e.jc}
	u, err := upgrade.New(upgrade.Options{
		Config: cfg, Fleet: consulFleet{src: src, meta: fleet.DefaultMetaKeys()},
		Maintenance: catalogMaintenance{catalog: e.catalog}, Agents: agents, Control: agents,
		Health: upgrade.ProbedHealth{Health: upgrade.CatalogHealth{Nodes: src, VersionMeta: "docker_version"},
			Prober: runner},
		Runner: runner, Store: kv, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// startGordon opens the store and runs the Upgrader, the upgrade and
// confirm commands and an IRC session on ngircd, joined to #fleet. The
// function it returns stops them all and closes the store, as gordon
// stopping does; the test's end does it too.
func (e *e2e) startGordon() (stop func()) {
	t := e.t
	kv, err := store.OpenBolt(e.storePath)
	if err != nil {
		t.Fatal(err)
	}
	u := e.upgrader(kv)
	c := commands.NewConfirmer(commands.ConfirmTTL)
	reg := commands.NewRegistry()
	reg.Register(c.Command(), commands.UpgradeCommand(u, c))
	cmdCfg := commands.Config{}
	cmdCfg.Defaults()

	ircCfg := bot.Config{Server: e.irc.Addr, Nick: "gordon", Channels: []string{"#fleet"},
		FloodInterval: config.Duration(50 * time.Millisecond)}
	ircCfg.Defaults()
	if err := ircCfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	session := bot.NewSession(ircCfg, log, nil)
	d := commands.NewDispatcher(commands.Options{
		Registry: reg, Out: session, Logger: log, Config: cmdCfg, Nick: "gordon", Prefix: "!",
		Roles: commands.NewRoles([]commands.Maintainer{
			{Name: "alice", Hostmasks: []string{"alice!*@*"}}, {Name: "bob", Hostmasks: []string{"bob!*@*"}},
		}),
	})

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { session.Run(ctx, d) })
	wg.Go(func() { u.Run(ctx, commands.UpgradeAnnouncer{Out: session}) })
	stop = sync.OnceFunc(func() {
		cancel()
		wg.Wait()
		kv.Close()
	})
	t.Cleanup(stop)

	deadline := time.Now().Add(15 * time.Second)
	for ok, _ := session.Ready(); !ok; ok, _ = session.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("gordon never joined #fleet")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return stop
}

// people dials alice and bob, maintainers, and carol, who is not, and
// joins them to #fleet.
func (e *e2e) people() (alice, bob, carol *testbed.Client) {
	alice = testbed.Dial(e.t, e.irc.Addr, "alice")
	bob = testbed.Dial(e.t, e.irc.Addr, "bob")
	carol = testbed.Dial(e.t, e.irc.Addr, "carol")
	for _, c := range []*testbed.Client{alice, bob, carol} {
		c.Join(e.t, "#fleet")
	}
	return alice, bob, carol
}

// inService checks that node is out of maintenance in Consul with its
// Jenkins agent online, or, with want false, that it is in maintenance
// and offline.
func (e *e2e) inService(node string, want bool) {
	e.t.Helper()
	n, _, err := e.cc.Node(context.Background(), node)
	comp, cerr := e.jc.Computer(context.Background(), node)
	if err != nil || cerr != nil {
		e.t.Fatalf("reading %s: %v, %v", node, err, cerr)
	}
	if n.Maintenance == want || comp.TemporarilyOffline == want {
		e.t.Errorf("%s: maintenance %v (%q), agent offline %v; want in service %v", node, n.Maintenance,
			n.MaintenanceReason, comp.TemporarilyOffline, want)
	}
}

// said returns what gordon said in #fleet so far, as c heard it.
func said(c *testbed.Client) []string {
	var out []string
	for _, m := range c.Messages() {
		if m.Command == "PRIVMSG" && m.From == "gordon" && strings.EqualFold(m.Target, "#fleet") {
			out = append(out, m.Text)
		}
	}
	return out
}

// fromGordon waits for gordon's line in #fleet containing want.
func fromGordon(t *testing.T, c *testbed.Client, want string) string {
	t.Helper()
	return c.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.Contains(s, want) },
		30*time.Second)
}

// after waits for a line of gordon's in #fleet containing want among
// those from the n-th on, and returns it.
func after(t *testing.T, c *testbed.Client, n int, want string) string {
	t.Helper()
	var found string
	waitFor(t, "gordon saying "+want, func() bool {
		lines := said(c)
		for _, l := range lines[min(n, len(lines)):] {
			if strings.Contains(l, want) {
				found = l
				return true
			}
		}
		return false
	})
	return found
}

// waitFor polls cond for up to 20 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// confirmPlan has alice ask for line, checks the plan gordon shows
// against want, and has bob confirm it.
func confirmPlan(t *testing.T, alice, bob *testbed.Client, line string, want ...string) {
	t.Helper()
	n := len(said(alice))
	alice.Say("#fleet", line)
	ask := after(t, alice, n, `say "confirm `)
	plan := said(alice)
	if len(plan) < len(want)+1 || strings.Join(plan[len(plan)-len(want)-1:len(plan)-1], "\n") != strings.Join(want, "\n") {
		t.Fatalf("plan answer:\n%s\nwant\n%s", strings.Join(plan, "\n"), strings.Join(want, "\n"))
	}

	token := regexp.MustCompile(`confirm ([a-z0-9]{6})`).FindStringSubmatch(ask)[1]
	bob.Say("#fleet", "!confirm "+token)
	after(t, alice, n, "upgrade to 24.0.1-rc1 started:")
}

// TestUpgradeEndToEnd: an upgrade asked for and confirmed in a channel of
// a real ngircd rolls over nodes of a real Consul and agents of the
// Jenkins stand-in with the command runner, waits for the build running
// on a node, leaves the node its runner failed on in maintenance, and
// says one line per batch and one summary.
func TestUpgradeEndToEnd(t *testing.T) {
	e := newE2E(t, `if [ "$1" = ov-3 ]; then echo "E: no space left on device" >&2; exit 1; fi
`)
	e.startGordon()
	alice, bob, carol := e.people()

	// Only a maintainer confirms.
	alice.Say("#fleet", "!upgrade 24.0.1-rc1 storage=overlay --batch=2")
	ask := fromGordon(t, alice, `say "confirm `)
	carol.Say("#fleet", "!confirm "+regexp.MustCompile(`confirm ([a-z0-9]{6})`).FindStringSubmatch(ask)[1])
	fromGordon(t, alice, "carol: confirm is for maintainers")

	confirmPlan(t, alice, bob, "!upgrade 24.0.1-rc1 storage=overlay --batch=2",
		"upgrade to 24.0.1-rc1 (storage=overlay): 3 nodes in 1 canary, then 1 batch of up to 2; halts when more than 1 fail",
		"left out: 1 in maintenance (ov-5), 1 already at 24.0.1-rc1, 1 held back (ov-2 is the last online agent of gpu)",
		"order: canary ov-1 | ov-3 ov-4",
	)
	before := len(said(alice))

	// ov-4 is taken offline with its build still running: gordon waits
	// for the build before running the upgrade there.
	fromGordon(t, alice, "canary batch 1/2: upgraded ov-1")
	waitFor(t, "ov-4 offline while its build runs", func() bool {
		comp, err := e.jc.Computer(context.Background(), "ov-4")
		return err == nil && comp.TemporarilyOffline && !comp.Idle
	})
	time.Sleep(200 * time.Millisecond)
	if slices.Contains(e.runs(), "ov-4") {
		t.Fatal("ov-4 upgraded while its build ran")
	}
	if err := e.sim.Finish("docker-pr", e.build, jenkinstest.Success); err != nil {
		t.Fatal(err)
	}

	summary := fromGordon(t, alice, "upgrade to 24.0.1-rc1 done in")
	progress := said(alice)[before:]
	if len(progress) != 3 ||
		!strings.Contains(progress[1], "batch 2/2: upgraded ov-4; failed: ov-3 (left in maintenance: "+
			"runner: upgrade-docker for ov-3 exited with status 1: E: no space left on device)") ||
		!strings.Contains(summary, "2 of 3 upgraded (ov-1 ov-4); failed: ov-3 (left in maintenance") {
		t.Fatalf("progress, want one line per batch and a summary:\n%s", strings.Join(progress, "\n"))
	}

	// Where the nodes are, as Consul and Jenkins see it.
	e.inService("ov-1", true)
	e.inService("ov-4", true)
	e.inService("ov-3", false)
	if n, _, _ := e.cc.Node(context.Background(), "ov-3"); !strings.Contains(n.MaintenanceReason, "upgrade to 24.0.1-rc1 failed") {
		t.Errorf("ov-3 maintenance reason %q", n.MaintenanceReason)
	}

	carol.Say("#fleet", "!upgrade status")
	status := fromGordon(t, alice, "asked by alice, confirmed by bob")
	if !strings.Contains(status, "upgrade to 24.0.1-rc1 (storage=overlay)") || !strings.Contains(status, ": done ") {
		t.Fatalf("status %q", status)
	}
}

// TestUpgradeRestartAndAbortEndToEnd: gordon stops while the canary's
// runner runs; started again over the same store, it says the upgrade is
// interrupted and waits; resumed, it runs the canary again; aborted
// during the next batch, it lets that batch finish and starts no other.
func TestUpgradeRestartAndAbortEndToEnd(t *testing.T) {
	e := newE2E(t, `while [ ! -e go-"$1" ]; do sleep 0.05; done
`)
	if err := e.sim.Finish("docker-pr", e.build, jenkinstest.Success); err != nil {
		t.Fatal(err)
	}
	stop := e.startGordon()
	alice, bob, _ := e.people()
	release := func(node string) {
		if err := os.WriteFile(filepath.Join(e.dir, "go-"+node), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	confirmPlan(t, alice, bob, "!upgrade 24.0.1-rc1 storage=overlay --batch=1",
		"upgrade to 24.0.1-rc1 (storage=overlay): 3 nodes in 1 canary, then 2 batches of up to 1; halts when more than 1 fail",
		"left out: 1 in maintenance (ov-5), 1 already at 24.0.1-rc1, 1 held back (ov-2 is the last online agent of gpu)",
		"order: canary ov-1 | ov-3 | ov-4",
	)
	waitFor(t, "the canary's runner", func() bool { return slices.Contains(e.runs(), "ov-1") })
	stop()
	e.inService("ov-1", false)

	e.startGordon()
	fromGordon(t, alice, "the upgrade to 24.0.1-rc1 is paused at batch 1/3 (gordon restarted while it ran); "+
		"still in maintenance from it: ov-1 (running the upgrade")
	fromGordon(t, alice, `0 of 3 upgraded; not started: ov-3 ov-4; say "upgrade resume" to go on`)

	release("ov-1")
	alice.Say("#fleet", "!upgrade resume")
	fromGordon(t, alice, "resuming the upgrade to 24.0.1-rc1 at batch 1/3")
	fromGordon(t, alice, "canary batch 1/3: upgraded ov-1")

	waitFor(t, "ov-3's runner", func() bool { return slices.Contains(e.runs(), "ov-3") })
	bob.Say("#fleet", "!upgrade abort")
	fromGordon(t, alice, "aborting the upgrade to 24.0.1-rc1: the nodes in flight (ov-3) finish, no other starts")
	release("ov-3")
	fromGordon(t, alice, "batch 2/3: upgraded ov-3")
	summary := fromGordon(t, alice, "upgrade to 24.0.1-rc1 aborted by bob after batch 2/3")
	if !strings.Contains(summary, "2 of 3 upgraded (ov-1 ov-3); not started: ov-4") {
		t.Fatalf("summary %q", summary)
	}

	if runs := strings.Join(e.runs(), " "); runs != "ov-1 ov-1 ov-3" {
		t.Fatalf("runs %q, want ov-1 twice (interrupted, then again) and ov-3", runs)
	}
	for _, node := range []string{"ov-1", "ov-3", "ov-4"} {
		e.inService(node, true)
	}
}
