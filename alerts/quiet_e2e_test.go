package alerts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/alerts"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/internal/testbed"
)

// quietFleet returns dm-1 to dm-4 on devmapper and ov-1 to ov-4 on
// overlay, all passing.
func quietFleet() []*nodeSpec {
	var nodes []*nodeSpec
	for prefix, storage := range map[string]string{"dm": "devmapper", "ov": "overlay"} {
		for i := 1; i <= 4; i++ {
			nodes = append(nodes, &nodeSpec{name: fmt.Sprintf("%s-%d", prefix, i), storage: storage,
				kernel: "4.4.0-21-generic", checks: map[string]string{
					"docker-daemon": consul.StatusPassing, "disk": consul.StatusPassing}})
		}
	}
	return nodes
}

// probeCheck is a check the tests flip to learn whether the engine keeps
// a node quiet: its changes are counted as suppressed when it does, and
// never announced when it does not (a debounce of an hour, and flapping
// never found).
const probeCheck = "quiet-probe"

// quietConfig announces quickly: a short debounce, a one-second group
// window, and Consul unreachable after a second.
func quietConfig() alerts.Config {
	return alerts.Config{Channel: "#fleet", Debounce: durPtr(200 * time.Millisecond),
		GroupWindow: durPtr(time.Second), UnreachableAfter: config.Duration(time.Second),
		FlapChanges:   1000,
		CheckDebounce: map[string]config.Duration{probeCheck: config.Duration(time.Hour)}}
}

// TestQuietEndToEnd runs gordon's alert side on a real Consul, ngircd and
// a real client, alice, who is a maintainer: silences made and ended in
// the channel and running out, gordon's own maintenance record, a
// restart of gordon, and Consul stopped and started again.
func TestQuietEndToEnd(t *testing.T) {
	b := newBed(t, quietFleet())
	// alice is in the channel first: the baseline goes out as soon as
	// gordon has joined, and a slow machine could let it pass her by.
	alice := testbed.Dial(t, b.irc.Addr, "alice")
	alice.Join(t, "#fleet")
	g := newGordon(t, b, quietConfig())
	g.start()
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("watching 9 nodes, all passing"), lineWait)

	e2eSilenceRunsOut(t, b, alice)
	e2eUnsilence(t, b, alice)
	e2eMaintRecord(t, b, g, alice)
	e2eRestart(t, b, g, alice)
	e2eConsulOutage(t, b, alice)
	e2eSaidOnce(t, alice)
}

// e2eSilenceRunsOut silences the devmapper nodes' docker check from the
// channel: their failures are quiet, another node's is not, and when the
// silence runs out one line says what still fails.
func e2eSilenceRunsOut(t *testing.T, b *bed, alice *testbed.Client) {
	alice.Say("#fleet", "!silence storage=devmapper check=docker-daemon 8s kernel bug")
	alice.WaitPrivmsg(t, "gordon", "#fleet",
		has("silence 1: storage=devmapper check=docker-daemon on 4 nodes until"), lineWait)

	b.set([]string{"dm-1", "dm-2"}, "docker-daemon", consul.StatusCritical, "Cannot connect")
	b.set([]string{"ov-1"}, "docker-daemon", consul.StatusCritical, "Cannot connect")
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("ov-1 critical on docker-daemon"), lineWait)

	alice.Say("#fleet", "!silences")
	alice.WaitPrivmsg(t, "gordon", "#fleet",
		has("1: storage=devmapper check=docker-daemon (4 nodes), ", "left, by alice: kernel bug"), lineWait)

	alice.WaitPrivmsg(t, "gordon", "#fleet",
		has("silence 1 ended: 2 nodes still critical on docker-daemon: dm-1, dm-2"), lineWait)
}

// e2eUnsilence ends a silence early: what failed under it is said at
// once.
func e2eUnsilence(t *testing.T, b *bed, alice *testbed.Client) {
	alice.Say("#fleet", "!silence ov-2 1h")
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("silence 2: ov-2 on 1 node"), lineWait)
	b.set([]string{"ov-2"}, "disk", consul.StatusCritical, "98% used")

	// A marker that the engine has taken the failure in by now.
	b.set([]string{"ov-3"}, "disk", consul.StatusWarning, "")
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("ov-3 warning on disk"), lineWait)

	alice.Say("#fleet", "!unsilence 2")
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("silence 2 ended: ov-2, set by alice"), lineWait)
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("silence 2 ended: ov-2 still critical on disk: 98% used"),
		lineWait)
}

// e2eMaintRecord puts dm-3 in maintenance in gordon's record only, as
// maint does when the node's agent cannot be reached: it is quiet, and
// announced once the record is off.
func e2eMaintRecord(t *testing.T, b *bed, g *gordon, alice *testbed.Client) {
	ctx := context.Background()
	rec := fleet.MaintRecord{Node: "dm-3", On: true, Who: "alice", Reason: "disk swap", Since: time.Now()}
	if err := g.maint.Record(ctx, []fleet.MaintRecord{rec}); err != nil {
		t.Fatal(err)
	}
	// The engine reads the records every two seconds.
	waitQuiet(t, b, g, "dm-3")
	b.set([]string{"dm-3"}, "docker-daemon", consul.StatusCritical, "")
	b.set([]string{"ov-4"}, "disk", consul.StatusWarning, "")
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("ov-4 warning on disk"), lineWait)

	rec.On = false
	if err := g.maint.Record(ctx, []fleet.MaintRecord{rec}); err != nil {
		t.Fatal(err)
	}
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("dm-3 critical on docker-daemon"), lineWait)
}

// waitQuiet flips the probe check of node until the engine counts a
// change of it as suppressed: the node is quiet by then.
func waitQuiet(t *testing.T, b *bed, g *gordon, node string) {
	t.Helper()
	const suppressed = "gordon_alerts_suppressed_total"
	base := g.counter(suppressed)
	deadline := time.Now().Add(lineWait)
	status := []string{consul.StatusCritical, consul.StatusPassing}
	for i := 0; g.counter(suppressed) == base; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("%s not quiet after %s", node, lineWait)
		}
		b.set([]string{node}, probeCheck, status[i%2], "")
		time.Sleep(100 * time.Millisecond)
	}
}

// e2eRestart stops gordon, changes the fleet meanwhile, and starts it
// again over the same store: what changed is said once, marked, and
// nothing said before is said again.
func e2eRestart(t *testing.T, b *bed, g *gordon, alice *testbed.Client) {
	g.halt()
	b.set([]string{"ov-1"}, "docker-daemon", consul.StatusPassing, "")
	b.set([]string{"ov-4"}, "disk", consul.StatusCritical, "full")

	g.start()
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("resumed watching 9 nodes, 5 critical, 1 warning"), lineWait)
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("ov-4 critical on disk (seen at start): full"), lineWait)
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("ov-1 recovered on docker-daemon (seen at start)"), lineWait)
}

// e2eConsulOutage stops Consul: one line after the debounce; starts it
// again, empty as a dev agent comes back, and registers the fleet again
// with one change: one line that it is back, one for the change, marked
// as of an unknown time, and nothing for the nodes that came back as
// they were.
func e2eConsulOutage(t *testing.T, b *bed, alice *testbed.Client) {
	b.consul.Stop()
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("consul unreachable since "), lineWait)

	b.consul.Restart(t)
	alice.WaitPrivmsg(t, "gordon", "#fleet", has("consul back after "), lineWait)
	b.nodes["ov-2"].checks["docker-daemon"] = consul.StatusCritical
	var all []testbed.ConsulNode
	for _, n := range b.nodes {
		all = append(all, n.consulNode())
	}
	b.consul.Register(t, all...)
	alice.WaitPrivmsg(t, "gordon", "#fleet",
		has("ov-2 critical on docker-daemon (after the consul outage)"), lineWait)
}

// e2eSaidOnce checks that no change was announced twice, across the
// restart and the outage, and that nothing leaked out of a silence or
// maintenance.
func e2eSaidOnce(t *testing.T, alice *testbed.Client) {
	counts := map[string]int{}
	for _, m := range alice.Messages() {
		if m.From != "gordon" {
			continue
		}
		counts[m.Text]++
		if strings.HasPrefix(m.Text, "dm-1 ") || strings.HasPrefix(m.Text, "dm-2 ") {
			t.Errorf("a silenced failure was announced: %q", m.Text)
		}
	}
	for text, n := range counts {
		if n > 1 && !strings.HasPrefix(text, "silence") {
			t.Errorf("said %d times: %q", n, text)
		}
	}
}
