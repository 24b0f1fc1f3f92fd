package alerts_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/alerts"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/internal/testbed"
)

// The storm: 1,000 of 5,000 nodes turning critical within a second.
const (
	stormFleet   = 5000
	stormFailing = 1000
)

// stormSettle is how long gordon has been quiet on IRC when the storm
// comes. ngircd's default flood control charges each line a penalty that
// drains in real time, and holds a client's lines while it is due: right
// after joining (JOIN, girc's WHO and MODE, the baseline) gordon's next
// line waits about two seconds in the server, whatever gordon does.
const stormSettle = 10 * time.Second

// stormResult is what a storm showed.
type stormResult struct {
	// flipped is how long Consul took to take in every failure.
	flipped time.Duration

	// lines are gordon's lines in the channel after the baseline; first is
	// the time from the first failure sent to Consul to the first line at
	// the client, handed the time to when gordon handed it to its
	// session.
	lines  []string
	first  time.Duration
	handed time.Duration

	reconnects float64
}

// runStorm registers the fleet, starts gordon as shipped (debounce 0,
// the default group window, the default IRC flood settings) on ngircd
// with its default flood control, fails the storm's nodes, and returns
// what a person in the channel saw.
func runStorm(tb testing.TB) stormResult {
	tb.Helper()
	nodes := make([]*nodeSpec, stormFleet)
	for i := range nodes {
		nodes[i] = &nodeSpec{name: fmt.Sprintf("storm-%04d", i+1), storage: []string{"overlay", "devmapper"}[i%2],
			kernel: "4.4.0-21-generic", checks: map[string]string{"docker-daemon": consul.StatusPassing}}
	}
	registered := time.Now()
	b := newBedWith(tb, nodes, testbed.NgircdOptions{})
	tb.Logf("registered %d nodes in %s", stormFleet, time.Since(registered).Round(time.Millisecond))
	b.watchInterval = 0

	g := newGordon(tb, b, alerts.Config{Channel: "#fleet", Debounce: durPtr(0)})
	g.shippedFlood = true
	alice := testbed.Dial(tb, b.irc.Addr, "alice")
	alice.Join(tb, "#fleet")
	g.start()
	alice.WaitPrivmsg(tb, "gordon", "#fleet", has(fmt.Sprintf("watching %d nodes", stormFleet+1)), lineWait)
	seen := len(alice.Messages())
	time.Sleep(stormSettle)

	names := make([]string, stormFailing)
	for i := range names {
		names[i] = nodes[i*stormFleet/stormFailing].name
	}
	start := time.Now()
	b.set(names, "docker-daemon", consul.StatusCritical, "Cannot connect to the Docker daemon")
	r := stormResult{flipped: time.Since(start)}

	// Whatever gordon says about it comes within the group window of the
	// last failure; the wait leaves room for a slow machine.
	alice.WaitPrivmsg(tb, "gordon", "#fleet", has("nodes critical on docker-daemon"), lineWait)
	time.Sleep(alerts.DefaultGroupWindow + 5*time.Second)
	for _, m := range alice.Messages()[seen:] {
		if m.From != "gordon" || !strings.EqualFold(m.Target, "#fleet") {
			continue
		}
		if len(r.lines) == 0 {
			r.first = m.At.Sub(start)
		}
		r.lines = append(r.lines, m.Text)
	}
	if sent := g.sent.since(start); len(sent) > 0 {
		r.handed = sent[0].at.Sub(start)
	}
	r.reconnects = g.counter("gordon_irc_reconnects_total")
	return r
}

// TestStormEndToEnd fails 1,000 of 5,000 nodes within about a second, on
// ngircd with its default flood control and gordon as shipped: at most 3
// lines, and gordon is never disconnected. How soon the first line comes
// is BenchmarkStorm's.
func TestStormEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("registers 5,000 nodes in Consul")
	}
	r := runStorm(t)
	t.Logf("consul took the failures in within %s; lines: %q", r.flipped.Round(time.Millisecond), r.lines)

	if len(r.lines) == 0 || len(r.lines) > 3 {
		t.Errorf("%d lines about the storm, want 1 to 3: %q", len(r.lines), r.lines)
	}
	total := 0
	for _, l := range r.lines {
		var n int
		if _, err := fmt.Sscanf(l, "%d nodes critical on docker-daemon", &n); err == nil {
			total += n
		}
	}
	if total != stormFailing {
		t.Errorf("the lines count %d failing nodes, want %d: %q", total, stormFailing, r.lines)
	}
	if r.reconnects != 0 {
		t.Errorf("gordon reconnected %v times, want never", r.reconnects)
	}
}

// BenchmarkStorm runs the storm once, whatever b.N is, and reports how
// soon the first line reached a person in the channel after the first
// failure went to Consul, beside the group window it waits for; run it
// with -run '^$' -bench Storm -benchtime 1x.
func BenchmarkStorm(b *testing.B) {
	r := runStorm(b)
	b.Logf("storm: consul took %d failures in within %s; %d lines; first line handed to the session %s and "+
		"at the client %s after the first failure (group window %s); reconnects %v", stormFailing,
		r.flipped.Round(time.Millisecond), len(r.lines), r.handed.Round(time.Millisecond),
		r.first.Round(time.Millisecond), alerts.DefaultGroupWindow, r.reconnects)
	for _, l := range r.lines {
		b.Logf("line: %s", l)
	}
	b.ReportMetric(float64(len(r.lines)), "lines")
	b.ReportMetric(float64(r.first.Microseconds())/1000, "first-line-ms")
	b.ReportMetric(float64(r.handed.Microseconds())/1000, "handed-ms")
	b.ReportMetric(float64((r.first-alerts.DefaultGroupWindow).Microseconds())/1000, "beyond-window-ms")
}
