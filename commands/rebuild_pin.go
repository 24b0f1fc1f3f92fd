package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gordonbot/gordon/fleet"
)

// maxNamesShown is how many node names a rebuild note lists before it
// says how many more there are.
const maxNamesShown = 5

// pin is where a rebuild's builds may run.
type pin struct {
	// expr is the value of the node parameter: a node name, or a label
	// expression such as "dm-1||dm-2". Empty leaves the job's default.
	expr string

	// desc names the nodes in the reply: "dm-3", or "dm-* (dm-1, dm-2)".
	desc string

	// notes say which matching nodes were left out, and why.
	notes []string
}

// resolvePin turns what follows "on" into a label expression of node
// names. Node names and globs are matched against Jenkins' agents;
// metadata selectors need the node inventory. Offline nodes are left
// out, and a request left with none is refused unless it says --force.
func (c *rebuildCommand) resolvePin(ctx context.Context, r rebuildRequest) (pin, error) {
	if len(r.on) == 0 {
		return pin{}, nil
	}

	agents, notes, err := c.candidates(ctx, r)
	if err != nil {
		return pin{}, err
	}
	names, more, err := choose(r, agents)
	if err != nil {
		return pin{}, err
	}

	p := pin{expr: labelExpr(names), desc: names[0], notes: append(notes, more...)}
	if len(names) > 1 || !onlyExactNode(r.on) {
		p.desc = fmt.Sprintf("%s (%s)", r.onText, listNames(slices.Sorted(slices.Values(names))))
	}
	return p, nil
}

// candidates returns the Jenkins agents that r's selectors match, with
// notes on nodes that match but that Jenkins does not have.
func (c *rebuildCommand) candidates(ctx context.Context, r rebuildRequest) ([]JenkinsAgent, []string, error) {
	metadata := !onlyNodeNames(r.on)
	if metadata && c.opts.Nodes == nil {
		return nil, nil, Userf("on %s: gordon has no node inventory to match node metadata; "+
			"name a node or a node-name glob", r.onText)
	}

	agents, err := c.jenkins.Agents(ctx)
	if err != nil {
		return nil, nil, jenkinsFailure("rebuild: list Jenkins nodes", err)
	}
	if !metadata {
		return slices.DeleteFunc(agents, func(a JenkinsAgent) bool { return !r.on.Matches(a.Name, nil, nil) }), nil, nil
	}

	names, err := c.opts.Nodes.Nodes(ctx, r.on)
	if err != nil {
		return nil, nil, jenkinsFailure("rebuild: find nodes matching "+r.onText, err)
	}
	return agentsNamed(agents, names)
}

// agentsNamed returns the agents among names, and a note naming the
// nodes Jenkins does not have.
func agentsNamed(agents []JenkinsAgent, names []string) ([]JenkinsAgent, []string, error) {
	var found []JenkinsAgent
	var unknown []string
	for _, name := range names {
		i := slices.IndexFunc(agents, func(a JenkinsAgent) bool { return a.Name == name })
		if i < 0 {
			unknown = append(unknown, name)
			continue
		}
		found = append(found, agents[i])
	}

	if len(unknown) == 0 {
		return found, nil, nil
	}
	return found, []string{"not Jenkins agents, left out: " + listNames(unknown)}, nil
}

// onlyNodeNames reports whether every selector is on the node name.
func onlyNodeNames(sels fleet.Selectors) bool {
	return !slices.ContainsFunc(sels, func(s fleet.Selector) bool { return s.Key != fleet.KeyNode })
}

// onlyExactNode reports whether sels name one node, with no glob.
func onlyExactNode(sels fleet.Selectors) bool {
	return len(sels) == 1 && sels[0].Key == fleet.KeyNode && sels[0].Op == fleet.OpEqual
}

// choose returns the names of the agents to pin to: the online ones, or
// with --force all of them, with a note on those left out. It refuses a
// request whose nodes are all offline, or that matches none.
func choose(r rebuildRequest, agents []JenkinsAgent) ([]string, []string, error) {
	if len(agents) == 0 {
		return noAgent(r)
	}

	var online, offline []string
	for _, a := range agents {
		if a.Offline {
			offline = append(offline, a.Name)
		} else {
			online = append(online, a.Name)
		}
	}

	switch {
	case len(offline) == 0:
		return online, nil, nil
	case len(online) > 0:
		return online, []string{"offline, left out: " + listNames(offline)}, nil
	case r.force:
		return offline, []string{"queued for offline " + listNames(offline) + " anyway (--force)"}, nil
	}
	return nil, nil, allOffline(r, agents)
}

// noAgent refuses a request that matches no Jenkins agent, unless it
// names one node exactly and says --force: Jenkins then keeps the build
// until an agent of that name comes.
func noAgent(r rebuildRequest) ([]string, []string, error) {
	switch {
	case onlyExactNode(r.on) && r.force:
		name := r.on[0].Value
		return []string{name}, []string{"Jenkins has no node " + name + "; queued for it anyway (--force)"}, nil
	case onlyExactNode(r.on):
		return nil, nil, Userf("Jenkins has no node %s; add --force to queue for it anyway", r.on[0].Value)
	}
	return nil, nil, Userf("no Jenkins node matches %s", r.onText)
}

// allOffline is the refusal of a request whose nodes are all offline,
// with their reasons.
func allOffline(r rebuildRequest, agents []JenkinsAgent) error {
	if len(agents) == 1 {
		a := agents[0]
		return Userf("node %s is offline%s; add --force to queue anyway", a.Name, reasonText(a.Reason))
	}

	var parts []string
	for _, a := range agents[:min(len(agents), maxNamesShown)] {
		parts = append(parts, a.Name+reasonText(a.Reason))
	}
	if extra := len(agents) - len(parts); extra > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", extra))
	}
	return Userf("every node matching %s is offline (%s); add --force to queue anyway",
		r.onText, strings.Join(parts, ", "))
}

// reasonText writes an offline reason after a node's name.
func reasonText(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

// listNames writes names, at most maxNamesShown of them and how many more.
func listNames(names []string) string {
	shown := strings.Join(names[:min(len(names), maxNamesShown)], ", ")
	if extra := len(names) - maxNamesShown; extra > 0 {
		shown += fmt.Sprintf(" and %d more", extra)
	}
	return shown
}

// labelExpr joins node names into a Jenkins label expression that any of
// them satisfies, in sorted order; Jenkins makes every node's name one of
// its labels. A name with a character that the expression syntax treats
// specially is quoted.
func labelExpr(names []string) string {
	sorted := slices.Sorted(slices.Values(names))
	atoms := make([]string, len(sorted))
	for i, n := range sorted {
		atoms[i] = labelAtom(n)
	}
	return strings.Join(atoms, "||")
}

// labelAtom writes a node name as an atom of a label expression.
func labelAtom(name string) string {
	plain := name != "" && strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-", r))
	}) < 0
	if plain {
		return name
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
}
