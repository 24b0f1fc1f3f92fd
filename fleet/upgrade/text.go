package upgrade

import (
	"fmt"
	"strings"
	"time"
)

// Limits that keep a line short.
const (
	// maxNames is how many nodes a list names before "+N".
	maxNames = 8

	// maxShownBatches is how many batches a plan's order line shows.
	maxShownBatches = 4

	// maxSummaryReason is how long a failure's reason is in a summary,
	// which may name several.
	maxSummaryReason = 80
)

// howToGoOn ends a line about a paused upgrade.
const howToGoOn = `say "upgrade resume" to go on or "upgrade abort" to stop`

// Lines describes the plan in at most four lines: for a named target,
// what it stands for and where that came from; then what the plan does,
// what it leaves out, and in which order.
func (p Plan) Lines() []string {
	scope := p.Selectors
	if scope == "" {
		scope = "the whole fleet"
	}

	var lines []string
	if p.Named != "" {
		lines = append(lines, p.fromLine())
	}
	switch {
	case p.Matched == 0:
		return append(lines, "no node matches "+scope)
	case p.Size() == 0:
		lines = append(lines, fmt.Sprintf("nothing to upgrade to %s (%s): %d %s matched", p.Version, scope,
			p.Matched, plural(p.Matched, "node", "nodes")))
	default:
		lines = append(lines, fmt.Sprintf("upgrade to %s (%s): %d %s in %s; %s", p.Version, scope, p.Size(),
			plural(p.Size(), "node", "nodes"), p.batchesPhrase(), budgetPhrase(p.Limits.MaxFail)))
	}

	if left := p.leftOut(); left != "" {
		lines = append(lines, "left out: "+left)
	}
	if p.Size() > 0 {
		lines = append(lines, "order: "+p.order())
	}
	return lines
}

// fromLine says what a named target stands for, and where it came from:
// "rc is 24.0.0-rc.2: newest pre-release v24.0.0-rc.2 of docker/docker,
// published 2026-11-30".
func (p Plan) fromLine() string {
	line := fmt.Sprintf("%s is %s", p.Named, p.Version)
	if p.From != "" {
		line += ": " + p.From
	}
	if p.URL != "" {
		line += "; build " + p.URL
	}
	return line
}

// batchesPhrase says how the nodes are batched: "1 canary, then 4
// batches of up to 2".
func (p Plan) batchesPhrase() string {
	n := len(p.Batches)
	var s strings.Builder
	if n > 0 && p.Batches[0].Canary {
		c := len(p.Batches[0].Targets)
		fmt.Fprintf(&s, "%d %s", c, plural(c, "canary", "canaries"))
		if n--; n == 0 {
			return s.String()
		}
		s.WriteString(", then ")
	}
	fmt.Fprintf(&s, "%d %s of up to %d", n, plural(n, "batch", "batches"), p.Limits.Batch)
	return s.String()
}

// budgetPhrase says when the upgrade halts.
func budgetPhrase(maxFail int) string {
	if maxFail == 0 {
		return "halts at the first failure"
	}
	return fmt.Sprintf("halts when more than %d fail", maxFail)
}

// leftOut says which matched nodes the plan leaves out, and why.
func (p Plan) leftOut() string {
	var parts []string
	if len(p.InMaint) > 0 {
		parts = append(parts, fmt.Sprintf("%d in maintenance (%s)", len(p.InMaint), names(p.InMaint, maxNames)))
	}
	if len(p.AtTarget) > 0 {
		parts = append(parts, fmt.Sprintf("%d already at %s", len(p.AtTarget), p.Version))
	}
	if len(p.Held) > 0 {
		held := make([]string, 0, min(len(p.Held), maxNames))
		for _, h := range p.Held[:min(len(p.Held), maxNames)] {
			held = append(held, h.Node+" is the last online agent of "+h.Label)
		}
		more := ""
		if len(p.Held) > maxNames {
			more = fmt.Sprintf(" +%d", len(p.Held)-maxNames)
		}
		parts = append(parts, fmt.Sprintf("%d held back (%s%s)", len(p.Held), strings.Join(held, ", "), more))
	}
	return strings.Join(parts, ", ")
}

// order shows the first batches: "canary dm-1 | dm-2 dm-3 | dm-4 dm-6
// +3 batches".
func (p Plan) order() string {
	shown := p.Batches[:min(len(p.Batches), maxShownBatches)]
	parts := make([]string, len(shown))
	for i, b := range shown {
		parts[i] = names(targetNames(b.Targets), maxNames)
		if b.Canary {
			parts[i] = "canary " + parts[i]
		}
	}

	s := strings.Join(parts, " | ")
	if rest := len(p.Batches) - len(shown); rest > 0 {
		s += fmt.Sprintf(" +%d %s", rest, plural(rest, "batch", "batches"))
	}
	return s
}

// batchLine is the one line said after a batch: what it did and where
// the upgrade stands, with the pause or halt it caused.
func batchLine(s Status, i int, recs []nodeRecord, took time.Duration) string {
	var upgraded, kept []string
	var failed []Failure
	for _, rec := range recs {
		switch rec.Step {
		case StepUpgraded:
			upgraded = append(upgraded, rec.Node)
			if rec.AgentKept {
				kept = append(kept, rec.Node)
			}
		case StepFailed:
			failed = append(failed, Failure{Node: rec.Node, Reason: rec.Reason, InMaint: rec.InMaint})
		}
	}

	head := fmt.Sprintf("upgrade to %s: batch %d/%d", s.Plan.Version, i+1, len(s.Plan.Batches))
	if s.Plan.Batches[i].Canary {
		head = fmt.Sprintf("upgrade to %s: canary batch %d/%d", s.Plan.Version, i+1, len(s.Plan.Batches))
	}

	var parts []string
	if len(upgraded) > 0 {
		parts = append(parts, "upgraded "+names(upgraded, maxNames))
	}
	if len(kept) > 0 {
		parts = append(parts, "Jenkins agent left offline as it was found: "+names(kept, maxNames))
	}
	if len(failed) > 0 {
		parts = append(parts, "failed: "+failures(failed, maxReason))
	}
	parts = append(parts, fmt.Sprintf("took %s; %d of %d upgraded, %d failed", human(took),
		len(s.Upgraded), s.Plan.Size(), len(s.Failed)))
	switch s.Phase {
	case PhasePaused:
		parts = append(parts, "paused: "+s.Reason+"; "+howToGoOn)
	case PhaseHalted:
		parts = append(parts, "halted: "+s.Reason)
	}
	return head + ": " + strings.Join(parts, "; ")
}

// summaryLine is the one line said when an upgrade ends: how, and which
// nodes are where.
func summaryLine(s Status) string {
	how := string(s.Phase)
	switch {
	case s.Phase == PhaseHalted:
		how = fmt.Sprintf("halted after batch %d/%d (%s)", s.Next, len(s.Plan.Batches), s.Reason)
	case s.Phase == PhaseAborted && s.Next == 0:
		how = s.Reason + " before its first batch"
	case s.Phase == PhaseAborted:
		how = fmt.Sprintf("%s after batch %d/%d", s.Reason, s.Next, len(s.Plan.Batches))
	}
	return fmt.Sprintf("upgrade to %s %s in %s: %s", s.Plan.Version, how, human(s.Ended.Sub(s.Started)),
		whereNodes(s))
}

// pausedLine is said when an upgrade pauses before a batch.
func pausedLine(s Status) string {
	return fmt.Sprintf("upgrade to %s paused before batch %d/%d: %s; %s", s.Plan.Version, s.Next+1,
		len(s.Plan.Batches), s.Reason, howToGoOn)
}

// waitingLines are said when gordon starts with an upgrade under way:
// where it stands, and that it waits.
func waitingLines(s Status) []string {
	head := fmt.Sprintf("the upgrade to %s is paused at batch %d/%d (%s)", s.Plan.Version, s.Next+1,
		len(s.Plan.Batches), s.Reason)
	if len(s.InFlight) > 0 {
		head += "; still in maintenance from it: " + progress(s.InFlight, s.Now)
	}
	return []string{head, whereNodes(s) + "; " + howToGoOn}
}

// Lines describes the status for the upgrade status command: what and
// who, where it stands, the nodes in flight, and which nodes are where.
func (s Status) Lines() []string {
	if s.Plan.ID == "" {
		return []string{"no upgrade has run yet"}
	}

	scope := ""
	if s.Plan.Selectors != "" {
		scope = " (" + s.Plan.Selectors + ")"
	}
	head := fmt.Sprintf("upgrade to %s%s, asked by %s, confirmed by %s, started %s ago: %s",
		s.Plan.Version, scope, s.AskedBy, s.ConfirmedBy, human(s.Now.Sub(s.Started)), s.standing())

	lines := []string{head}
	if len(s.InFlight) > 0 {
		lines = append(lines, "in flight: "+progress(s.InFlight, s.Now))
	}
	return append(lines, whereNodes(s))
}

// standing says where the upgrade stands.
func (s Status) standing() string {
	batch := fmt.Sprintf("batch %d/%d", s.Next+1, len(s.Plan.Batches))
	switch {
	case s.Phase == PhaseRunning && s.AbortBy != "":
		return "running " + batch + ", aborting after it (asked by " + s.AbortBy + ")"
	case s.Phase == PhaseRunning && s.PauseBy != "":
		return "running " + batch + ", pausing after it (asked by " + s.PauseBy + ")"
	case s.Phase == PhaseRunning:
		return "running " + batch
	case s.Phase == PhasePaused:
		return "paused at " + batch + ": " + s.Reason + "; " + howToGoOn
	case s.Reason != "":
		return fmt.Sprintf("%s %s ago: %s", s.Phase, human(s.Now.Sub(s.Ended)), s.Reason)
	}
	return fmt.Sprintf("%s %s ago", s.Phase, human(s.Now.Sub(s.Ended)))
}

// whereNodes says which nodes of the plan are where: "3 upgraded
// (dm-1 dm-2 dm-3); failed: dm-4 (left in maintenance: ...); not
// started: dm-5 dm-6".
func whereNodes(s Status) string {
	parts := []string{fmt.Sprintf("%d of %d upgraded", len(s.Upgraded), s.Plan.Size())}
	if len(s.Upgraded) > 0 && len(s.Upgraded) <= maxNames {
		parts[0] += " (" + names(s.Upgraded, maxNames) + ")"
	}
	if len(s.Failed) > 0 {
		parts = append(parts, "failed: "+failures(s.Failed, maxSummaryReason))
	}
	if len(s.InFlight) > 0 && !s.Phase.Active() {
		parts = append(parts, "interrupted: "+names(progressNames(s.InFlight), maxNames))
	}
	if len(s.Waiting) > 0 {
		parts = append(parts, "not started: "+names(s.Waiting, maxNames))
	}
	return strings.Join(parts, "; ")
}

// failures names failed nodes with where they are and why, each reason
// cut to max bytes.
func failures(fs []Failure, max int) string {
	shown := fs[:min(len(fs), maxNames)]
	parts := make([]string, len(shown))
	for i, f := range shown {
		where := "back in service"
		if f.InMaint {
			where = "left in maintenance"
		}
		parts[i] = fmt.Sprintf("%s (%s: %s)", f.Node, where, cut(f.Reason, max))
	}

	s := strings.Join(parts, ", ")
	if len(fs) > len(shown) {
		s += fmt.Sprintf(" +%d more (upgrade status)", len(fs)-len(shown))
	}
	return s
}

// progress names nodes in flight with their step: "dm-5 (running the
// upgrade, 1m4s)".
func progress(ps []Progress, now time.Time) string {
	shown := ps[:min(len(ps), maxNames)]
	parts := make([]string, len(shown))
	for i, p := range shown {
		parts[i] = fmt.Sprintf("%s (%s, since %s)", p.Node, stepWords(p.Step), human(now.Sub(p.Since)))
	}

	s := strings.Join(parts, ", ")
	if len(ps) > len(shown) {
		s += fmt.Sprintf(" +%d", len(ps)-len(shown))
	}
	return s
}

// stepWords says what a node at step s is doing.
func stepWords(s Step) string {
	switch s {
	case StepEntering:
		return "going into maintenance"
	case StepDraining:
		return "waiting for its build"
	case StepRunning:
		return "running the upgrade"
	case StepChecking:
		return "waiting for health"
	case StepLeaving:
		return "leaving maintenance"
	}
	return string(s)
}

// names joins up to max names with spaces, and says how many more there
// are: "dm-1 dm-2 +3".
func names(list []string, max int) string {
	if len(list) <= max {
		return strings.Join(list, " ")
	}
	return strings.Join(list[:max], " ") + fmt.Sprintf(" +%d", len(list)-max)
}

// targetNames returns the node names of targets.
func targetNames(targets []Target) []string {
	out := make([]string, len(targets))
	for i, t := range targets {
		out[i] = t.Node
	}
	return out
}

// progressNames returns the node names of ps.
func progressNames(ps []Progress) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Node
	}
	return out
}

// cut shortens s to at most max bytes, marking the cut, without
// splitting a UTF-8 sequence.
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max - 3
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "..."
}

// human writes a duration the way people say it: "45s", "3m12s", "2h5m".
func human(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
}

// plural returns one when n is 1, many otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
