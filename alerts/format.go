package alerts

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

// Limits of a line.
const (
	// maxNames is how many nodes a line names before "... and N more".
	maxNames = 5

	// maxLines is how many lines one target gets per group window; the
	// last sums up what did not fit.
	maxLines = 3

	// maxRest is how many clusters the summing-up line names.
	maxRest = 6

	// maxName is how long, in bytes, a node or check name may be.
	maxName = 64
)

// Kinds of lines that are no kind of change, for the sent metric.
const (
	kindBaseline = "baseline"
	kindRest     = "more"
	kindOutage   = "outage"
)

// clusterKey is what the events of one line have in common.
type clusterKey struct {
	kind   kind
	check  string
	status string // for the kinds whose line says the state: settled, still failing
	note   string
}

// cluster is the events of one line.
type cluster struct {
	key    clusterKey
	events []event
}

// keyOf returns the cluster an event belongs to. Nodes going down or
// coming back are one cluster whatever the check is called.
func keyOf(ev event) clusterKey {
	switch ev.kind {
	case kindNodeDown, kindNodeUp:
		return clusterKey{kind: ev.kind, note: ev.note}
	case kindSettled, kindStillFailing:
		return clusterKey{kind: ev.kind, check: ev.check, status: ev.status, note: ev.note}
	}
	return clusterKey{kind: ev.kind, check: ev.check, note: ev.note}
}

// clusters groups events into lines: what needs people most first, then
// the biggest, then by check name. Within a cluster, events are by node.
func clusters(evs []event) []cluster {
	var out []cluster
	index := map[clusterKey]int{}
	for _, ev := range evs {
		k := keyOf(ev)
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, cluster{key: k})
		}
		out[i].events = append(out[i].events, ev)
	}

	for _, c := range out {
		slices.SortFunc(c.events, func(a, b event) int { return compareNodes(a.node, b.node) })
	}
	slices.SortFunc(out, func(a, b cluster) int {
		return cmp.Or(cmp.Compare(a.key.kind, b.key.kind), cmp.Compare(len(b.events), len(a.events)),
			strings.Compare(a.key.check, b.key.check), strings.Compare(a.key.status, b.key.status),
			strings.Compare(a.key.note, b.key.note))
	})
	return out
}

// compareNodes orders node names naturally: dm-2 before dm-10.
func compareNodes(a, b string) int {
	switch {
	case fleet.NaturalLess(a, b):
		return -1
	case fleet.NaturalLess(b, a):
		return 1
	}
	return strings.Compare(a, b)
}

// formatter writes lines about clusters.
type formatter struct {
	facts      *facts
	names      []string // display names, in the order facts are weighed
	flapWindow time.Duration
}

// lines returns the lines of one target for one group window: one per
// cluster, at most maxLines, the last summing up the clusters left; and
// the kind of each line, for the metrics.
func (f formatter) lines(cs []cluster) (lines, kinds []string) {
	n := len(cs)
	if n > maxLines {
		n = maxLines - 1
	}

	for _, c := range cs[:n] {
		lines = append(lines, f.line(c))
		kinds = append(kinds, c.key.kind.String())
	}
	if n < len(cs) {
		lines = append(lines, rest(cs[n:]))
		kinds = append(kinds, kindRest)
	}
	return lines, kinds
}

// line returns the line of one cluster.
func (f formatter) line(c cluster) string {
	if len(c.events) == 1 {
		return f.single(c.events[0])
	}

	n := len(c.events)
	check := clean(c.key.check)
	tag := noteTag(c.key.note)
	who := nodeList(nodeNames(c.events))
	switch c.key.kind {
	case kindNodeDown:
		return fmt.Sprintf("%d nodes down%s%s: %s", n, tag, f.shared(c), who)
	case kindCritical, kindWarning:
		return fmt.Sprintf("%d nodes %s on %s%s%s: %s%s", n, c.events[0].status, check, tag, f.shared(c), who,
			sameOutput(c.events))
	case kindStillFailing:
		if c.events[0].checkID == nodeHealthID {
			return fmt.Sprintf("%s: %d nodes still down: %s", c.key.note, n, who)
		}
		return fmt.Sprintf("%s: %d nodes still %s on %s: %s", c.key.note, n, c.key.status, check, who)
	case kindFlapping:
		return fmt.Sprintf("%d nodes flapping on %s%s: %s; quiet until each holds still for %s",
			n, check, f.shared(c), who, human(f.flapWindow))
	case kindSettled:
		return fmt.Sprintf("%d nodes stopped flapping on %s, now %s: %s", n, check, c.key.status, who)
	case kindNodeUp:
		if tag != "" {
			return fmt.Sprintf("%d nodes up%s: %s", n, tag, who)
		}
		return fmt.Sprintf("%d nodes up after %s down: %s", n, failedRange(c.events), who)
	case kindReminder:
		if c.events[0].checkID == nodeHealthID {
			return fmt.Sprintf("reminder: %d nodes down for %s: %s", n, failedRange(c.events), who)
		}
		return fmt.Sprintf("reminder: %d nodes critical on %s for %s: %s", n, check, failedRange(c.events), who)
	}
	if tag != "" {
		return fmt.Sprintf("%d nodes recovered on %s%s: %s", n, check, tag, who)
	}
	return fmt.Sprintf("%d nodes recovered on %s after %s: %s", n, check, failedRange(c.events), who)
}

// single returns the line of a cluster of one event.
func (f formatter) single(ev event) string {
	node, check := clean(ev.node), clean(ev.check)
	tag := noteTag(ev.note)
	out := fleet.CheckOutput(ev.output)
	switch ev.kind {
	case kindNodeDown:
		return withOutput(fmt.Sprintf("node down%s: %s", tag, node), out, " (%s)")
	case kindCritical, kindWarning:
		return withOutput(fmt.Sprintf("%s %s on %s%s", node, ev.status, check, tag), out, ": %s")
	case kindStillFailing:
		if ev.checkID == nodeHealthID {
			return fmt.Sprintf("%s: %s still down", ev.note, node)
		}
		return withOutput(fmt.Sprintf("%s: %s still %s on %s", ev.note, node, ev.status, check), out, ": %s")
	case kindFlapping:
		return fmt.Sprintf("%s flapping on %s (%d changes in %s); quiet until it holds still for %s",
			node, check, ev.changes, human(f.flapWindow), human(f.flapWindow))
	case kindSettled:
		return fmt.Sprintf("%s stopped flapping on %s, now %s", node, check, ev.status)
	case kindNodeUp:
		if tag != "" {
			return fmt.Sprintf("node up%s: %s", tag, node)
		}
		return fmt.Sprintf("node up: %s after %s down", node, failedRange([]event{ev}))
	case kindReminder:
		if ev.checkID == nodeHealthID {
			return fmt.Sprintf("reminder: %s down for %s", node, failedRange([]event{ev}))
		}
		return fmt.Sprintf("reminder: %s critical on %s for %s", node, check, failedRange([]event{ev}))
	}
	if tag != "" {
		return fmt.Sprintf("%s recovered on %s%s", node, check, tag)
	}
	return fmt.Sprintf("%s recovered on %s after %s", node, check, failedRange([]event{ev}))
}

// noteTag returns a note as a line shows it after the check: " (seen at
// start)"; "" for no note.
func noteTag(note string) string {
	if note == "" {
		return ""
	}
	return " (" + note + ")"
}

// withOutput appends a check's output to line in the layout given, when
// there is any.
func withOutput(line, out, layout string) string {
	if out == "" {
		return line
	}
	return line + fmt.Sprintf(layout, out)
}

// shared returns the facts a failing cluster's nodes share, as ", all
// storage=devmapper, 8/9 kernel=3.19*", or "".
func (f formatter) shared(c cluster) string {
	var b strings.Builder
	for _, ft := range correlate(nodeNames(c.events), f.facts, f.names) {
		b.WriteString(", ")
		b.WriteString(ft.String())
	}
	return b.String()
}

// rest sums up the clusters that get no line of their own: "and 5 more
// changes: 2 recovered on disk; 1 warning on load".
func rest(cs []cluster) string {
	total := 0
	parts := make([]string, 0, min(len(cs), maxRest)+1)
	for i, c := range cs {
		total += len(c.events)
		if i == maxRest {
			parts = append(parts, "...")
		}
		if i >= maxRest {
			continue
		}
		parts = append(parts, briefly(c))
	}
	noun := "changes"
	if total == 1 {
		noun = "change"
	}
	return fmt.Sprintf("and %d more %s: %s", total, noun, strings.Join(parts, "; "))
}

// briefly names a cluster in a few words: "2 recovered on disk".
func briefly(c cluster) string {
	n := len(c.events)
	check := clean(c.key.check)
	switch c.key.kind {
	case kindNodeDown:
		return fmt.Sprintf("%d down", n)
	case kindNodeUp:
		return fmt.Sprintf("%d up", n)
	case kindCritical, kindWarning:
		return fmt.Sprintf("%d %s on %s", n, c.events[0].status, check)
	case kindStillFailing:
		return fmt.Sprintf("%d still %s on %s", n, c.key.status, check)
	case kindSettled:
		return fmt.Sprintf("%d stopped flapping on %s", n, check)
	case kindReminder:
		return fmt.Sprintf("%d reminders on %s", n, check)
	}
	return fmt.Sprintf("%d %s on %s", n, c.key.kind, check)
}

// nodeNames returns the nodes of events, in the events' order.
func nodeNames(evs []event) []string {
	names := make([]string, len(evs))
	for i, ev := range evs {
		names[i] = ev.node
	}
	return names
}

// nodeList names nodes, at most maxNames of them: "dm-1, dm-2, dm-3, dm-4,
// dm-5, ... and 4 more". One more than maxNames is named rather than
// counted.
func nodeList(nodes []string) string {
	shown := nodes
	if len(nodes) > maxNames+1 {
		shown = nodes[:maxNames]
	}

	cleaned := make([]string, len(shown))
	for i, n := range shown {
		cleaned[i] = clean(n)
	}
	list := strings.Join(cleaned, ", ")
	if len(shown) < len(nodes) {
		list += fmt.Sprintf(", ... and %d more", len(nodes)-len(shown))
	}
	return list
}

// sameOutput returns " (output: ...)" when every event has the same
// non-empty output, redacted; "" otherwise.
func sameOutput(evs []event) string {
	out := fleet.CheckOutput(evs[0].output)
	if out == "" {
		return ""
	}
	for _, ev := range evs[1:] {
		if fleet.CheckOutput(ev.output) != out {
			return ""
		}
	}
	return " (output: " + out + ")"
}

// failedRange says how long recovered checks had failed: "3m", "40s to
// 12m"; "more than" the longest when some check was failing already when
// watching began, since its failure started earlier than gordon knows.
func failedRange(evs []event) string {
	lo, hi := evs[0].failed, evs[0].failed
	longer := false
	for _, ev := range evs {
		lo, hi = min(lo, ev.failed), max(hi, ev.failed)
		longer = longer || ev.failedLonger
	}

	top := human(hi)
	if longer {
		top = "more than " + top
	}
	if human(lo) == human(hi) {
		return top
	}
	return human(lo) + " to " + top
}

// human writes a duration the way people say it: "under 1s", "40s",
// "4m5s", "12m", "2h5m", "3d4h".
func human(d time.Duration) string {
	switch {
	case d < time.Second:
		return "under 1s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < 10*time.Minute:
		d = d.Round(time.Second)
		return joinUnits(int(d/time.Minute), "m", int(d%time.Minute/time.Second), "s")
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute)/time.Minute))
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		return joinUnits(int(d/time.Hour), "h", int(d%time.Hour/time.Minute), "m")
	}
	d = d.Round(time.Hour)
	return joinUnits(int(d/(24*time.Hour)), "d", int(d%(24*time.Hour)/time.Hour), "h")
}

// joinUnits writes "4m5s", or "4m" when the smaller unit is zero.
func joinUnits(big int, bigUnit string, small int, smallUnit string) string {
	if small == 0 {
		return fmt.Sprintf("%d%s", big, bigUnit)
	}
	return fmt.Sprintf("%d%s%d%s", big, bigUnit, small, smallUnit)
}

// clean makes a name from the catalog fit a line.
func clean(s string) string {
	return fleet.OneLine(s, maxName)
}
