package commands

import (
	"strings"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

// inMaint reports whether a node is in maintenance by either source: its
// agent (agent), or gordon's record.
func inMaint(agent bool, rec *fleet.MaintRecord) bool {
	return agent || (rec != nil && rec.On)
}

// maintNote says why a node is in maintenance and who says so, for the
// parentheses after "maint": gordon's record when it has the node in
// maintenance, otherwise what the agent says. agent and agentReason are
// the agent's side, rec gordon's latest record, nil when there is none.
//
//	disk swap; alice, 2h ago                       both agree
//	disk swap; alice, 5m ago; gordon's record only the agent was not reached
//	kernel upgrade; set outside gordon             no record
func maintNote(agent bool, agentReason string, rec *fleet.MaintRecord, now time.Time) string {
	switch {
	case rec != nil && rec.On && agent:
		return notes(rec.Reason, byWhen(rec, now))
	case rec != nil && rec.On:
		return notes(rec.Reason, byWhen(rec, now), "gordon's record only")
	case rec != nil:
		// gordon took it out but could not reach the agent, or someone
		// turned it on again outside gordon since.
		off := rec.Who + " turned it off in gordon " + ago(rec.Since, now)
		return notes(agentReason, "still on at its agent; "+off)
	}
	return notes(agentReason, "set outside gordon")
}

// byWhen says who recorded rec and how long ago: "alice, 2h ago".
func byWhen(rec *fleet.MaintRecord, now time.Time) string {
	return rec.Who + ", " + ago(rec.Since, now)
}

// ago says how long before now t was: "just now", "5m ago", "3d ago".
func ago(t, now time.Time) string {
	d := now.Sub(t)
	if d < time.Minute {
		return "just now"
	}
	return short(d) + " ago"
}

// notes joins the parts that are not empty with "; ".
func notes(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "; ")
}
