package alerts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gordonbot/gordon/integrations/consul"
)

// summary is the fleet's health at the baseline.
type summary struct {
	nodes    int
	critical []string // the nodes with a critical check, not in maintenance
	warning  int      // the nodes with a warning and no critical check
	maint    int      // the nodes in maintenance
}

// summarize counts a snapshot's nodes by health, as the `nodes` command
// does: maintenance wins, then any critical check, then any warning.
func summarize(snap consul.Snapshot) summary {
	var s summary
	cs := snap.Checks
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].Node == cs[i].Node {
			j++
		}

		s.nodes++
		inMaint, services := maintenance(cs[i:j])
		switch worst := worstOf(cs[i:j], services); {
		case inMaint:
			s.maint++
		case worst == consul.StatusPassing:
		case worst == consul.StatusWarning:
			s.warning++
		default:
			s.critical = append(s.critical, cs[i].Node)
		}
		i = j
	}
	return s
}

// worstOf returns the most pressing state of a node's checks, leaving out
// maintenance checks and the checks of services in maintenance.
func worstOf(cs []consul.HealthCheck, quietServices []string) string {
	worst := consul.StatusPassing
	for _, c := range cs {
		quiet := c.ServiceID != "" && slices.Contains(quietServices, c.ServiceID)
		if c.Status != consul.StatusMaintenance && !quiet {
			worst = worse(worst, c.Status)
		}
	}
	return worst
}

// line returns the summary as the baseline announces it: "watching 48
// nodes, 2 critical (dm-1, dm-2), 1 warning, 3 in maintenance". After a
// restart the nodes were announced already, and the line only counts
// them: "resumed watching 48 nodes, 2 critical, 1 warning".
func (s summary) line(resumed bool) string {
	if resumed {
		return s.resumed()
	}

	var b strings.Builder
	fmt.Fprintf(&b, "watching %s", plural(s.nodes, "node"))
	if len(s.critical) == 0 && s.warning == 0 && s.maint == 0 {
		b.WriteString(", all passing")
		return b.String()
	}

	if len(s.critical) > 0 {
		fmt.Fprintf(&b, ", %d critical (%s)", len(s.critical), nodeList(s.critical))
	}
	if s.warning > 0 {
		fmt.Fprintf(&b, ", %d warning", s.warning)
	}
	if s.maint > 0 {
		fmt.Fprintf(&b, ", %d in maintenance", s.maint)
	}
	return b.String()
}

// plural returns "1 node" or "3 nodes".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// resumed returns the line of a restart: the counts without the names.
func (s summary) resumed() string {
	parts := []string{"resumed watching " + plural(s.nodes, "node")}
	if len(s.critical) > 0 {
		parts = append(parts, fmt.Sprintf("%d critical", len(s.critical)))
	}
	if s.warning > 0 {
		parts = append(parts, fmt.Sprintf("%d warning", s.warning))
	}
	if s.maint > 0 {
		parts = append(parts, fmt.Sprintf("%d in maintenance", s.maint))
	}
	if len(parts) == 1 {
		parts = append(parts, "all passing")
	}
	return strings.Join(parts, ", ")
}
