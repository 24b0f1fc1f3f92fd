package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

// Inventory is what the nodes and node commands read the fleet through.
// *fleet.Inventory implements it.
type Inventory interface {
	// List answers a listing. Its errors are a *fleet.UnknownKeyError or
	// *fleet.SelectorError for a query that cannot be asked,
	// fleet.ErrNoTags, or the source's error.
	List(ctx context.Context, q fleet.Query) (fleet.Listing, error)

	// Node describes one node; an error wrapping fleet.ErrNoNode when
	// there is no such node.
	Node(ctx context.Context, name string) (fleet.NodeDetail, error)
}

// Limits that keep one line of a listing short.
const (
	// shownChecks is how many failing checks a node line names.
	shownChecks = 3

	// shownGroupNodes is how many nodes a group line names.
	shownGroupNodes = 5
)

// NodeCommands returns the nodes and node commands over inv.
func NodeCommands(inv Inventory, agents AgentLister) []Command {
	return []Command{Nodes(inv), Node(inv, agents)}
}

// AgentLister lists Jenkins' agents, so that node can say how the node's
// agent stands. The Jenkins bridge implements it.
type AgentLister interface {
	Agents(ctx context.Context) ([]JenkinsAgent, error)
}

// Nodes returns the nodes command: a summary line, then the nodes in the
// state asked for, or their health grouped by one fact.
func Nodes(inv Inventory) Command {
	return Command{
		Name:    "nodes",
		Usage:   "[unhealthy|healthy|maint|all] [selectors] [by <key>]",
		Summary: "list fleet nodes by health, selected by metadata, or grouped with by",
		Role:    RoleAnyone,
		Run: func(ctx context.Context, req *Request) error {
			q, err := parseNodesQuery(req.Inv)
			if err != nil {
				return err
			}

			l, err := inv.List(ctx, q)
			if err != nil {
				return inventoryError(err)
			}
			req.ReplyLines(listingLines(l, time.Now())...)
			return nil
		},
	}
}

// Node returns the node command: one node's facts, failing checks and
// maintenance.
// A nil agents leaves the Jenkins agent out.
func Node(inv Inventory, agents AgentLister) Command {
	return Command{
		Name:    "node",
		Usage:   "<name>",
		Summary: "show a node: metadata, failing checks with their output, maintenance, its Jenkins agent",
		Role:    RoleAnyone,
		Run: func(ctx context.Context, req *Request) error {
			name, err := parseNodeName(req.Inv)
			if err != nil {
				return err
			}

			d, err := inv.Node(ctx, name)
			if errors.Is(err, fleet.ErrNoNode) {
				return Userf("no node %s in the catalog", quoteName(name))
			}
			if err != nil {
				return err
			}
			req.ReplyLines(detailLines(d, time.Now())...)
			if agents != nil {
				req.Reply("%s", agentLine(ctx, agents, d.Name))
			}
			return nil
		},
	}
}

// parseNodesQuery reads `[state] [selectors] [by <key>]`. The state word
// and the by clause may stand anywhere; any other word is a node name or
// node-name glob.
func parseNodesQuery(inv Invocation) (fleet.Query, error) {
	var q fleet.Query
	var haveState bool
	for i := 0; i < len(inv.Tokens); i++ {
		t := inv.Tokens[i]
		switch {
		case t.Kind == TokenOption:
			return q, Usagef("nodes takes no options (--%s)", t.Name)
		case t.Kind == TokenSelector:
			q.Selectors = append(q.Selectors, t.Selector)
		case isKeyword(t, "by"):
			key, err := byKey(inv.Tokens[i+1:], q.By)
			if err != nil {
				return q, err
			}
			q.By = key
			i++
		case isStateWord(t):
			if haveState {
				return q, Usagef("give one of unhealthy, healthy, maint or all")
			}
			q.State, _ = fleet.ParseState(t.Text)
			haveState = true
		default:
			sel, err := nodeSelector(t)
			if err != nil {
				return q, err
			}
			q.Selectors = append(q.Selectors, sel)
		}
	}
	return q, nil
}

// isKeyword reports whether t is the unquoted word kw.
func isKeyword(t Token, kw string) bool {
	return t.Kind == TokenWord && !t.Quoted && t.Text == kw
}

// isStateWord reports whether t is an unquoted state word.
func isStateWord(t Token) bool {
	_, ok := fleet.ParseState(t.Text)
	return ok && t.Kind == TokenWord && !t.Quoted
}

// byKey returns the key after "by", the first of rest. prev is a key an
// earlier "by" gave, which is an error.
func byKey(rest []Token, prev string) (string, error) {
	switch {
	case prev != "":
		return "", Usagef("group by one key only")
	case len(rest) == 0 || rest[0].Kind != TokenWord:
		return "", Usagef("by needs a key, as in: by kernel")
	}
	return rest[0].Text, nil
}

// nodeSelector parses a word as a node name or node-name glob.
func nodeSelector(t Token) (fleet.Selector, error) {
	if t.Quoted && strings.Contains(t.Text, "=") {
		return fleet.Selector{}, Usagef("%s is quoted, so it is a node name, and node names have no '='",
			quoteName(t.Text))
	}

	sel, err := fleet.ParseSelector(t.Text)
	if err != nil {
		return fleet.Selector{}, Usagef("%s", err.Error())
	}
	return sel, nil
}

// parseNodeName reads the one node name the node command takes.
func parseNodeName(inv Invocation) (string, error) {
	if len(inv.Tokens) != 1 || inv.Tokens[0].Kind != TokenWord {
		return "", Usagef("node takes one node name")
	}

	sel, err := nodeSelector(inv.Tokens[0])
	if err != nil {
		return "", err
	}
	if sel.Op != fleet.OpEqual {
		return "", Usagef("node takes a name, not a pattern; nodes %s lists the matches", sel.Value)
	}
	return sel.Value, nil
}

// inventoryError turns an error the person can fix into a *UserError and
// leaves the others, such as Consul being unreachable, as they are.
func inventoryError(err error) error {
	var unknown *fleet.UnknownKeyError
	var bad *fleet.SelectorError
	if errors.As(err, &unknown) || errors.As(err, &bad) || errors.Is(err, fleet.ErrNoTags) {
		return &UserError{Msg: err.Error()}
	}
	return err
}

// listingLines writes a listing: the summary line, then one line per
// group when it is grouped, otherwise one line per node. now is when the
// listing is shown, for the age of maintenance.
func listingLines(l fleet.Listing, now time.Time) []string {
	lines := []string{summaryLine(l)}
	if l.Query.By != "" {
		for _, g := range l.Groups {
			lines = append(lines, groupLine(l.Query, g))
		}
		return lines
	}

	for _, n := range l.Nodes {
		lines = append(lines, nodeLine(n, now))
	}
	return lines
}

// summaryLine says how many nodes are in the state asked for, out of how
// many the selectors picked: "9 of 48 unhealthy (storage=devmapper); 2
// maint, 1 warning".
func summaryLine(l fleet.Listing) string {
	q, c := l.Query, l.Counts
	var b strings.Builder
	switch {
	case c.Total() == 0:
		b.WriteString("no nodes")
	case q.State == fleet.StateAll:
		fmt.Fprintf(&b, "%d %s", c.Total(), plural(c.Total(), "node", "nodes"))
	default:
		fmt.Fprintf(&b, "%d of %d %s", c.In(q.State), c.Total(), stateWord(q.State))
	}

	if len(q.Selectors) > 0 {
		fmt.Fprintf(&b, " (%s)", q.Selectors)
	}
	if others := otherCounts(q.State, c); others != "" && c.Total() > 0 {
		b.WriteString("; " + others)
	}
	if q.By != "" && c.Total() > 0 {
		b.WriteString("; by " + q.By)
	}
	if l.Partial {
		b.WriteString("; ACLs hid some nodes or checks")
	}
	return b.String()
}

// stateWord names a state in a summary.
func stateWord(s fleet.State) string {
	if s == fleet.StateMaint {
		return "in maintenance"
	}
	return s.String()
}

// otherCounts lists the counts a summary of state s has not said yet,
// leaving out zeros: "2 maint, 1 warning".
func otherCounts(s fleet.State, c fleet.Counts) string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}

	if s != fleet.StateUnhealthy {
		add(c.Unhealthy, "unhealthy")
	}
	add(c.Warning, plural(c.Warning, "warning", "warnings"))
	if s != fleet.StateMaint {
		add(c.Maint, "maint")
	}
	if s == fleet.StateAll {
		add(c.Healthy, "ok")
	}
	return strings.Join(parts, ", ")
}

// nodeLine writes one node of a listing, compact: its health, the checks
// that fail, then its facts as selectors would name them.
// "dm-3 critical: docker, disk; warning: load; kernel=4.19.0-17 distro=debian"
func nodeLine(n fleet.NodeView, now time.Time) string {
	var parts []string
	switch n.Health {
	case fleet.Maint:
		parts = append(parts, "maint ("+maintNote(n.Maintenance, n.MaintenanceReason, n.Record, now)+")")
	case fleet.Healthy:
		parts = append(parts, "ok")
	}
	if len(n.Critical) > 0 {
		parts = append(parts, "critical: "+shortList(n.Critical, shownChecks, ", "))
	}
	if len(n.Warning) > 0 {
		parts = append(parts, "warning: "+shortList(n.Warning, shownChecks, ", "))
	}

	facts := make([]string, len(n.Values))
	for i, kv := range n.Values {
		facts[i] = kv.Key + "=" + kv.Value
	}
	if len(facts) > 0 {
		parts = append(parts, strings.Join(facts, " "))
	}
	return n.Name + " " + strings.Join(parts, "; ")
}

// groupLine writes one group of a grouped listing: "kernel 4.19: 7 of 12
// unhealthy: dm-3 dm-7 dm-9 +4", or with state all, "kernel 4.19: 12
// nodes: 7 unhealthy, 1 maint, 4 ok".
func groupLine(q fleet.Query, g fleet.Group) string {
	head := q.By + " " + groupValue(g)
	if q.State == fleet.StateAll {
		return fmt.Sprintf("%s: %d %s: %s", head, g.Counts.Total(),
			plural(g.Counts.Total(), "node", "nodes"), otherCounts(q.State, g.Counts))
	}

	line := fmt.Sprintf("%s: %d of %d %s", head, g.Counts.In(q.State), g.Counts.Total(), stateWord(q.State))
	if len(g.Nodes) > 0 {
		line += ": " + shortList(g.Nodes, shownGroupNodes, " ")
	}
	return line
}

// groupValue shows a group's value: "(none)" for nodes without the key,
// `""` for an empty value.
func groupValue(g fleet.Group) string {
	switch {
	case g.Missing:
		return "(none)"
	case g.Value == "":
		return `""`
	}
	return g.Value
}

// shortList joins at most max items with sep, and says how many more
// there are: "a, b, c +2".
func shortList(items []string, max int, sep string) string {
	if len(items) <= max {
		return strings.Join(items, sep)
	}
	return strings.Join(items[:max], sep) + fmt.Sprintf(" +%d", len(items)-max)
}

// plural returns one when n is 1, many otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// detailLines writes what the node command shows: a line on health and
// maintenance, the facts, services and tags, then each failing check.
// now is when it is shown, for the age of maintenance.
func detailLines(d fleet.NodeDetail, now time.Time) []string {
	lines := []string{detailHead(d, now)}
	if facts := detailFacts(d); facts != "" {
		lines = append(lines, facts)
	}

	for _, c := range d.Failing {
		line := c.Status + " " + c.Name
		if c.Service != "" {
			line += " (service " + c.Service + ")"
		}
		if c.Output != "" {
			line += ": " + c.Output
		}
		lines = append(lines, line)
	}
	return lines
}

// detailHead writes the node's health and maintenance: "dm-3
// (10.0.0.3): unhealthy, 2 of 6 checks failing; not in maintenance", or
// "dm-5 (10.0.0.5): in maintenance (kernel upgrade; alice, 2h ago); 3
// checks, all passing".
func detailHead(d fleet.NodeDetail, now time.Time) string {
	head := d.Name
	if d.Address != "" {
		head += " (" + d.Address + ")"
	}

	if inMaint(d.Maintenance, d.Record) {
		note := maintNote(d.Maintenance, d.MaintenanceReason, d.Record, now)
		return head + ": in maintenance (" + note + "); " + checksPhrase(d)
	}
	return head + ": " + d.Health.String() + ", " + checksPhrase(d) + "; not in maintenance"
}

// checksPhrase says how the node's checks stand: "no checks", "3 checks,
// all passing" or "2 of 6 checks failing".
func checksPhrase(d fleet.NodeDetail) string {
	switch {
	case d.Checks == 0:
		return "no checks"
	case len(d.Failing) == 0:
		return fmt.Sprintf("%d %s, all passing", d.Checks, plural(d.Checks, "check", "checks"))
	}
	return fmt.Sprintf("%d of %d %s failing", len(d.Failing), d.Checks, plural(d.Checks, "check", "checks"))
}

// detailFacts writes the node's facts, services and tags on one line.
func detailFacts(d fleet.NodeDetail) string {
	var parts []string
	for _, kv := range d.Values {
		parts = append(parts, kv.Key+"="+kv.Value)
	}
	if len(d.Services) > 0 {
		parts = append(parts, "services: "+strings.Join(d.Services, ", "))
	}
	if len(d.Tags) > 0 {
		parts = append(parts, "tags: "+strings.Join(d.Tags, ", "))
	}
	return strings.Join(parts, "; ")
}

// agentLine says how the Jenkins agent named as the node stands. Jenkins
// failing is said on the line, not as the command's error: the node's
// facts above it are still right.
func agentLine(ctx context.Context, agents AgentLister, node string) string {
	list, err := agents.Agents(ctx)
	if err != nil {
		return "jenkins agent: unknown (" + briefOf(err) + ")"
	}
	for _, a := range list {
		if a.Name != node {
			continue
		}
		if !a.Offline {
			return "jenkins agent: online"
		}
		return "jenkins agent: offline" + reasonText(fleet.OneLine(fleet.Redact(a.Reason), fleet.MaxOutput))
	}
	return "jenkins agent: none named " + node
}

// NodeSelector finds the nodes a command acts on (maint, silence).
// *fleet.Inventory implements it.
type NodeSelector interface {
	// Select returns the nodes every selector picks, sorted by name, with
	// their addresses and metadata; no selector picks every node. Its
	// errors are those of Inventory.List.
	Select(ctx context.Context, sels fleet.Selectors) ([]fleet.Node, error)
}

// selectNodes returns the nodes sels pick, or an answer saying that none
// does and that nothing was done.
func selectNodes(ctx context.Context, s NodeSelector, sels fleet.Selectors, nothing string) ([]fleet.Node, error) {
	nodes, err := s.Select(ctx, sels)
	if err != nil {
		return nil, inventoryError(err)
	}
	if len(nodes) == 0 {
		return nil, Userf("no node matches %s; %s", sels, nothing)
	}
	return nodes, nil
}
