package upgrade

import (
	"context"
	"errors"
	"time"

	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/store"
)

// Target is one node to upgrade, as a runner sees it.
type Target struct {
	Node    string `json:"node"`
	Address string `json:"address,omitempty"`

	// Version is the version to install; URL, when set, is where its
	// build is (for a master build); empty for a released version.
	Version string `json:"version"`
	URL     string `json:"url,omitempty"`

	// Who let the upgrade go, for a runner that records it (a Jenkins
	// job's requested-by parameter). Set as the runner is called.
	Who string `json:"-"`
}

// Result is what a runner says about its run.
type Result struct {
	// Output is the end of what the runner wrote, for the report.
	Output string
	Took   time.Duration
}

// Runner upgrades one node. The command runner is one; ssh and jenkins
// runners are to come.
type Runner interface {
	// Run upgrades t.Node to t.Version and returns when it is done. An
	// error means the node may or may not be upgraded: the Upgrader then
	// leaves it in maintenance. Run is called again for the same node
	// after a restart of gordon, so it must be safe to repeat. It returns
	// promptly, with an error, when ctx ends.
	Run(ctx context.Context, t Target) (Result, error)
}

// Prober asks a node which version it runs, as the runner reaches it.
type Prober interface {
	// Probe returns what the node says about its version, as it says it
	// ("Docker version 24.0.1, build ced0996"); its errors say why it
	// could not be asked.
	Probe(ctx context.Context, t Target) (string, error)
}

// Fleet picks the nodes an upgrade may touch. *fleet.Inventory's Select
// has this shape.
type Fleet interface {
	// Select returns the nodes every selector picks, with their address,
	// metadata and maintenance state. A selector the fleet cannot answer
	// is a *fleet.UnknownKeyError or *fleet.SelectorError, or
	// fleet.ErrNoTags; other errors are the source's.
	Select(ctx context.Context, sels fleet.Selectors) ([]fleet.Node, error)
}

// Agent is a Jenkins agent as the planner needs it.
type Agent struct {
	Name   string
	Labels []string

	// Offline is set when no build can start there now, for any reason.
	Offline bool
}

// AgentLister lists Jenkins' agents, for the rule that no batch takes
// the last online agent of a label offline.
type AgentLister interface {
	// Agents returns every agent, without Jenkins' built-in node. Its
	// errors are Jenkins' (unreachable, refused).
	Agents(ctx context.Context) ([]Agent, error)
}

// ErrNoAgent is what AgentControl returns, wrapped, for a node that has
// no Jenkins agent; the Upgrader then has nothing to do on Jenkins.
var ErrNoAgent = errors.New("no jenkins agent")

// AgentControl takes a node's Jenkins agent out of service and back. A
// node's agent is named as the node unless the adapter maps names.
type AgentControl interface {
	// Offline stops new builds on node's agent, with reason for people
	// reading Jenkins. Doing it again only updates the reason. already
	// reports whether the agent was taken offline before the call (by a
	// person, say): the Upgrader then leaves it offline afterwards.
	Offline(ctx context.Context, node, reason string) (already bool, err error)

	// Online lets builds run on node's agent again. An agent that is
	// online already is left as it is.
	Online(ctx context.Context, node string) error

	// Busy reports whether a build is running on node's agent.
	//
	// All three return an error wrapping ErrNoAgent when node has no
	// agent, and Jenkins' errors otherwise.
	Busy(ctx context.Context, node string) (bool, error)
}

// Maintenance puts a node in maintenance and takes it out: gordon's own
// record, so that it survives a restart, and Consul's maintenance mode on
// the node's agent, which silences its health in the catalog.
type Maintenance interface {
	// On puts t in maintenance for who, with reason; again, it only
	// updates the reason. An error means the node may not be in
	// maintenance.
	On(ctx context.Context, t Target, who, reason string) error

	// Off takes t out of maintenance. A node that is not in maintenance
	// stays as it is, and that is no error.
	Off(ctx context.Context, t Target) error
}

// NodeHealth is how a node stands after its runner.
type NodeHealth struct {
	// Version is what the node reports about its version, as it reports
	// it; the Upgrader reads the version out of it.
	Version string

	// Failing names the checks that make the node unhealthy (critical
	// ones), Consul's maintenance check left out: a node is checked while
	// it is still in maintenance.
	Failing []string
}

// Health reads a node's health and version while the Upgrader waits for
// it. CatalogHealth and ProbedHealth are two.
type Health interface {
	// Node returns t's health now. An error is taken as "not healthy
	// yet": the Upgrader asks again until its time is up.
	Node(ctx context.Context, t Target) (NodeHealth, error)
}

// Silencer mutes a node's alerts for the time it is upgraded. It is
// optional: without it, maintenance alone keeps the alerts quiet.
type Silencer interface {
	// Silence mutes node's alerts for d, with reason, and returns the
	// silence's id.
	Silence(ctx context.Context, node, reason string, d time.Duration) (string, error)

	// Unsilence lifts the silence id. Lifting one that expired or is gone
	// is no error.
	Unsilence(ctx context.Context, id string) error
}

// Place is where an upgrade's progress is said: a channel, or a nick in
// private.
type Place struct {
	Target  string `json:"target"`
	Private bool   `json:"private,omitempty"`
}

// Announcer says the lines of an upgrade's progress. The chat side
// implements it; commands.UpgradeAnnouncer adapts a commands.Replier.
type Announcer interface {
	// Announce hands lines over for delivery to p. An error means they
	// were not accepted.
	Announce(ctx context.Context, p Place, lines ...string) error
}

// Store keeps the plan and each node's step. *store.Bolt and
// *store.Memory implement it; errors are the store's, ErrNotFound for a
// Get of a key with no value.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, error)
	List(ctx context.Context, prefix string) ([]store.Entry, error)
	Batch(ctx context.Context, ops []store.Op) error
}
