package commands

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gordonbot/gordon/fleet"
)

// maxMaintReason is the longest reason maint takes, in characters: enough
// for a sentence, short enough for a listing line.
const maxMaintReason = 200

// MaintRecorder keeps gordon's own maintenance records.
// *fleet.MaintBook implements it.
type MaintRecorder interface {
	// Record stores recs durably, all of them or none, and returns once
	// they are stored. An error means none was stored.
	Record(ctx context.Context, recs []fleet.MaintRecord) error
}

// NodeAgents turns maintenance on and off on each node's own Consul
// agent. fleet.ConsulAgents implements it.
//
// Errors a person can act on (an agent unreachable, slow, refusing the
// token, or a node with no agent URL) have a method Brief() string that
// says so in a few words.
type NodeAgents interface {
	Enable(ctx context.Context, n fleet.Node, reason string) error
	Disable(ctx context.Context, n fleet.Node) error
}

// JenkinsComputer is a Jenkins agent as maint gets it back from Jenkins.
//
// It is an alias of a plain struct type, identical to the computer type
// of gordon's Jenkins client, so that the client satisfies MaintJenkins
// as it is while neither package imports the other. The two must change
// together.
type JenkinsComputer = struct {
	Name   string
	Labels []string

	Offline            bool
	TemporarilyOffline bool
	OfflineReason      string

	Idle      bool
	Executors int

	BuiltIn bool
}

// MaintJenkins takes a node's Jenkins agent offline and back. Gordon's
// Jenkins client implements it. Errors a person can act on have a method
// Brief() string, as for Jenkins.
type MaintJenkins interface {
	// SetOffline marks the agent named node offline with reason, so that
	// it starts no new build.
	SetOffline(ctx context.Context, node, reason string) (JenkinsComputer, error)

	// SetOnline clears that mark.
	SetOnline(ctx context.Context, node string) (JenkinsComputer, error)
}

// MaintOptions wire the maint command. Nodes, Records, Agents and
// Confirm are required.
type MaintOptions struct {
	Nodes   NodeSelector
	Records MaintRecorder
	Agents  NodeAgents
	Confirm *Confirmer

	// Jenkins takes each node's Jenkins agent, named as the node,
	// offline with maint on and back with maint off. Leave it unset
	// (a nil interface) when gordon has no Jenkins.
	Jenkins MaintJenkins

	// Logger gets the whole error of each node that failed, which the
	// answer says briefly; nil means slog.Default().
	Logger *slog.Logger
}

// maint is the maint command with what it acts on.
type maint struct {
	MaintOptions
	now func() time.Time
}

// MaintCommand returns maint, which puts nodes in maintenance or takes
// them out: gordon's record first, then each node's Consul agent, then
// its Jenkins agent. It panics when a required option is missing, as
// Register does for an incomplete command.
func MaintCommand(opts MaintOptions) Command {
	if opts.Nodes == nil || opts.Records == nil || opts.Agents == nil || opts.Confirm == nil {
		panic("commands: maint needs Nodes, Records, Agents and Confirm")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}

	m := &maint{MaintOptions: opts, now: time.Now}
	return Command{
		Name:    "maint",
		Usage:   "<selectors> on|off [reason]",
		Summary: "put nodes in maintenance or take them out: gordon's record, Consul, Jenkins",
		Role:    RoleMaintainer,
		Action:  true,
		Run:     m.run,
	}
}

// maintRequest is a parsed maint command line.
type maintRequest struct {
	sels   fleet.Selectors
	on     bool
	reason string
}

// parseMaint reads `<selectors> on|off [reason]`. Selectors come first,
// so that a reason may hold any word, "on" and "off" included; the
// reason is every token after the keyword, or one quoted string.
//
// A reason is optional: the record keeps who asked and when either way,
// and a maintainer draining a node in a hurry should not be made to type
// one. The agents then read "set by <who> via gordon".
func parseMaint(inv Invocation) (maintRequest, error) {
	var r maintRequest
	for i, t := range inv.Tokens {
		switch {
		case isKeyword(t, "on") || isKeyword(t, "off"):
			if len(r.sels) == 0 {
				return r, Usagef("name the nodes before %s", t.Text)
			}
			r.on = t.Text == "on"
			r.reason = joinReason(inv.Tokens[i+1:])
			if n := utf8.RuneCountInString(r.reason); n > maxMaintReason {
				return r, Usagef("the reason is %d characters; keep it under %d", n, maxMaintReason)
			}
			return r, nil
		case t.Kind == TokenOption:
			return r, Usagef("maint takes no options (--%s)", t.Name)
		case t.Kind == TokenSelector:
			r.sels = append(r.sels, t.Selector)
		default:
			sel, err := nodeSelector(t)
			if err != nil {
				return r, err
			}
			r.sels = append(r.sels, sel)
		}
	}

	if len(r.sels) == 0 {
		return r, Usagef("name the nodes, then on or off")
	}
	return r, Usagef("say on or off after the nodes")
}

// joinReason makes the reason of the tokens after on or off, as written.
func joinReason(toks []Token) string {
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Text
	}
	return strings.TrimSpace(strings.Join(words, " "))
}

// word is "on" or "off".
func (r maintRequest) word() string {
	if r.on {
		return "on"
	}
	return "off"
}

// records returns the record of each node, made at now by who.
func (r maintRequest) records(nodes []fleet.Node, who string, now time.Time) []fleet.MaintRecord {
	recs := make([]fleet.MaintRecord, len(nodes))
	for i, n := range nodes {
		recs[i] = fleet.MaintRecord{Node: n.Name, On: r.on, Who: who, Reason: r.reason, Since: now.UTC()}
	}
	return recs
}

// run finds the nodes and acts on them, or asks for confirm first when
// there are more than MaxUnconfirmed.
func (m *maint) run(ctx context.Context, req *Request) error {
	r, err := parseMaint(req.Inv)
	if err != nil {
		return err
	}

	nodes, err := selectNodes(ctx, m.Nodes, r.sels, "nothing changed")
	if err != nil {
		return err
	}

	// The record names who asked, also when another maintainer confirms.
	who := req.Caller.Who()
	return m.Confirm.AskIfMany(ctx, req, len(nodes), func() string { return maintPlan(r, nodes) },
		func(ctx context.Context, req *Request) error { return m.apply(ctx, req, r, nodes, who) })
}

// maintPlan describes what a confirm would do: "maint on for 7 nodes
// (dm-1, dm-2, dm-3, dm-4, dm-5 +2)".
func maintPlan(r maintRequest, nodes []fleet.Node) string {
	return fmt.Sprintf("maint %s for %d %s (%s)", r.word(), len(nodes),
		plural(len(nodes), "node", "nodes"), shortList(nodeNames(nodes), shownGroupNodes, ", "))
}

// nodeNames returns the names of nodes, in order.
func nodeNames(nodes []fleet.Node) []string {
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Name
	}
	return names
}
