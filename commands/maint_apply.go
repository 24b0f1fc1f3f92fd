package commands

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/gordonbot/gordon/fleet"
)

// maintParallel is how many nodes maint works on at once: enough that a
// few unreachable agents, each waiting out Consul's timeout, do not hold
// up the rest, few enough not to flood Consul or Jenkins.
//
// TODO: many agents that time out rather than refuse (a network down, not
// a process) take about one Consul timeout per maintParallel nodes, which
// can outlast the command's own limit; the records are kept, but the
// answer is then lost to "timed out". A deadline per node derived from
// the command's would keep the answer.
const maintParallel = 8

// shownMaintFailures is how many nodes a maint answer names in its last
// line when there are more failures than lines.
const shownMaintFailures = 5

// maintOutcome is how one node went.
type maintOutcome struct {
	node    string
	agent   error // nil when its Consul agent did what was asked
	jenkins error // nil when its Jenkins agent did, or there is no Jenkins
}

// apply records the maintenance of nodes, then turns it on or off on
// each node's agents, and answers. Only a failure to record is an error:
// nothing has changed then. A node whose agents failed is said in the
// answer, and its record stays, since that is what the person asked for.
func (m *maint) apply(ctx context.Context, req *Request, r maintRequest, nodes []fleet.Node,
	who string) error {
	recs := r.records(nodes, who, m.now())
	if err := m.Records.Record(ctx, recs); err != nil {
		return &UserError{Msg: "gordon could not record it, so nothing changed", Err: err}
	}

	outcomes := m.each(ctx, nodes, recs)
	m.log(req, r, outcomes)
	room := PrivateLines
	if !req.Private {
		room = ChannelLines
	}
	req.ReplyLines(maintLines(r, outcomes, m.Jenkins != nil, room-len(req.lines))...)
	return nil
}

// each runs one on every node, maintParallel at a time, and returns the
// outcomes in the order of nodes.
func (m *maint) each(ctx context.Context, nodes []fleet.Node, recs []fleet.MaintRecord) []maintOutcome {
	outcomes := make([]maintOutcome, len(nodes))
	slots := make(chan struct{}, maintParallel)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()

			// The dispatcher recovers only the command's own goroutine.
			defer func() {
				if v := recover(); v != nil {
					panicked := &PanicError{Value: v, Stack: debug.Stack()}
					outcomes[i] = maintOutcome{node: nodes[i].Name, agent: panicked}
				}
			}()
			outcomes[i] = m.one(ctx, nodes[i], recs[i])
		})
	}
	wg.Wait()
	return outcomes
}

// one turns maintenance on or off on n's Consul agent, then on its
// Jenkins agent. Jenkins is asked whatever Consul answered: a node whose
// Consul agent cannot be reached should still take no new build, and a
// Jenkins failure leaves what Consul did as it is.
func (m *maint) one(ctx context.Context, n fleet.Node, rec fleet.MaintRecord) maintOutcome {
	o := maintOutcome{node: n.Name}
	if rec.On {
		o.agent = m.Agents.Enable(ctx, n, rec.AgentNote())
	} else {
		o.agent = m.Agents.Disable(ctx, n)
	}

	switch {
	case m.Jenkins == nil:
	case rec.On:
		_, o.jenkins = m.Jenkins.SetOffline(ctx, n.Name, rec.AgentNote())
	default:
		_, o.jenkins = m.Jenkins.SetOnline(ctx, n.Name)
	}
	return o
}

// log writes the whole error of each failed part, which the answer says
// briefly.
func (m *maint) log(req *Request, r maintRequest, outcomes []maintOutcome) {
	log := m.Logger.With(keyCommand, "maint", keyWho, req.Caller.Who())
	for _, o := range outcomes {
		var panicked *PanicError
		switch {
		case errors.As(o.agent, &panicked):
			log.Error("maint panicked", keyNode, o.node, keyError, o.agent, keyStack, string(panicked.Stack))
		case o.agent != nil:
			log.Warn("maint consul agent failed", keyNode, o.node, keyState, r.word(), keyError, o.agent)
		}
		if o.jenkins != nil {
			log.Warn("maint jenkins agent failed", keyNode, o.node, keyState, r.word(), keyError, o.jenkins)
		}
	}
}

// maintProblem is one answer line about a part that failed on a node.
type maintProblem struct {
	node string
	line string
}

// maintLines writes the answer in at most room lines: a summary, then a
// line for each part that failed, "dm-3: agent unreachable at
// http://10.0.0.3:8500; kept in gordon's record".
func maintLines(r maintRequest, outcomes []maintOutcome, withJenkins bool, room int) []string {
	var agentOK, jenkinsOK int
	var problems []maintProblem
	for _, o := range outcomes {
		if o.agent == nil {
			agentOK++
		} else {
			line := o.node + ": " + brief(o.agent) + "; " + afterAgentFailure(r.on)
			problems = append(problems, maintProblem{o.node, line})
		}
		if o.jenkins == nil {
			jenkinsOK++
		} else {
			line := o.node + ": jenkins agent not " + jenkinsWord(r.on) + ": " + brief(o.jenkins)
			problems = append(problems, maintProblem{o.node, line})
		}
	}

	names := make([]string, len(outcomes))
	for i, o := range outcomes {
		names[i] = o.node
	}
	head := fmt.Sprintf("maint %s for %d %s (%s): consul %s", r.word(), len(outcomes),
		plural(len(outcomes), "node", "nodes"), shortList(names, shownGroupNodes, ", "),
		tally(agentOK, len(outcomes), "ok"))
	if withJenkins {
		head += ", jenkins " + tally(jenkinsOK, len(outcomes), jenkinsWord(r.on))
	}
	return fitProblems(head, problems, room)
}

// fitProblems returns head and the problem lines in at most room lines
// (at least two). When they do not fit, the last line names the nodes
// left unsaid, so that the answer never asks to run maint again to see
// them all.
func fitProblems(head string, problems []maintProblem, room int) []string {
	room = max(room, 2)
	lines := []string{head}
	if 1+len(problems) <= room {
		for _, p := range problems {
			lines = append(lines, p.line)
		}
		return lines
	}

	for _, p := range problems[:room-2] {
		lines = append(lines, p.line)
	}
	var rest []string
	for _, p := range problems[room-2:] {
		if !slices.Contains(rest, p.node) {
			rest = append(rest, p.node)
		}
	}
	return append(lines, fmt.Sprintf("... and problems on %s: %s",
		countNodes(len(rest)), shortList(rest, shownMaintFailures, " ")))
}

// countNodes says "1 node" or "N nodes".
func countNodes(n int) string {
	return fmt.Sprintf("%d %s", n, plural(n, "node", "nodes"))
}

// tally says how many of n nodes ended as what: "ok" for one node that
// did, "failed" for one that did not, "ok on all 3", "ok on 2 of 3".
func tally(ok, n int, what string) string {
	switch {
	case n == 1 && ok == 1:
		return what
	case n == 1:
		return "failed"
	case ok == n:
		return fmt.Sprintf("%s on all %d", what, n)
	}
	return fmt.Sprintf("%s on %d of %d", what, ok, n)
}

// jenkinsWord says what maint does to a Jenkins agent.
func jenkinsWord(on bool) string {
	if on {
		return "offline"
	}
	return "online"
}

// afterAgentFailure says where a node stands when its Consul agent
// failed.
func afterAgentFailure(on bool) string {
	if on {
		return "kept in gordon's record"
	}
	return "Consul may still show it in maintenance; gordon's record says off"
}

// brief returns the short line of an error that has one, else its first
// line.
func brief(err error) string {
	var b briefer
	if errors.As(err, &b) {
		return b.Brief()
	}
	return firstLine(err.Error())
}
