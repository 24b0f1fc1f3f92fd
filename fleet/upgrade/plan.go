package upgrade

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

// Count is a number a person may give with an option, or leave to the
// configuration. The zero Count is unset.
type Count struct {
	n   int
	set bool
}

// CountOf returns a Count set to n.
func CountOf(n int) Count {
	return Count{n: n, set: true}
}

// Or returns the count, or def when it is unset.
func (c Count) Or(def int) int {
	if c.set {
		return c.n
	}
	return def
}

// Request asks for a plan.
type Request struct {
	// Version is the target as the person wrote it, "24.0.1-rc1" or
	// "v24.0.1-rc1".
	Version   string
	Selectors fleet.Selectors

	// Batch, Canary and MaxFail override the configuration.
	Batch, Canary, MaxFail Count
}

// RequestError says why a request cannot be planned, in words for the
// person who made it.
type RequestError struct {
	Reason string
}

// Error returns the reason.
func (e *RequestError) Error() string { return e.Reason }

// ParseVersion returns the version s names without its leading v, or a
// *RequestError when s is not one version and nothing else.
func ParseVersion(s string) (string, error) {
	v, ok := fleet.Version(s)
	if !ok || strings.TrimLeft(s, "vV") != v || len(s)-len(v) > 1 {
		return "", &RequestError{Reason: fmt.Sprintf("%q is not a version such as 24.0.1 or 24.0.1-rc1", s)}
	}
	return v, nil
}

// Limits are how an upgrade rolls.
type Limits struct {
	// Batch is how many nodes are upgraded side by side.
	Batch int `json:"batch"`

	// Canary is how many nodes go first, in a batch of their own.
	Canary int `json:"canary"`

	// MaxFail is how many failed nodes the upgrade bears; one more halts it.
	MaxFail int `json:"max_fail"`
}

// limitsFor returns the limits of req, the configuration filling what it
// leaves unset, or a *RequestError naming the option out of range.
func limitsFor(req Request, cfg Config) (Limits, error) {
	l := Limits{
		Batch:   req.Batch.Or(cfg.Batch),
		Canary:  req.Canary.Or(*cfg.Canary),
		MaxFail: req.MaxFail.Or(*cfg.MaxFail),
	}

	switch {
	case l.Batch < 1 || l.Batch > maxBatch:
		return l, &RequestError{Reason: fmt.Sprintf("--batch must be between 1 and %d", maxBatch)}
	case l.Canary < 0 || l.Canary > maxCanary:
		return l, &RequestError{Reason: fmt.Sprintf("--canary must be between 0 and %d", maxCanary)}
	case l.MaxFail < 0 || l.MaxFail > maxMaxFail:
		return l, &RequestError{Reason: fmt.Sprintf("--max-fail must be between 0 and %d", maxMaxFail)}
	}
	return l, nil
}

// Plan is an upgrade worked out and shown before anything runs.
type Plan struct {
	ID      string `json:"id"`
	Version string `json:"version"`

	// URL is where the build is, for a master build; Named is the
	// target the person named ("rc", "master") and From where its
	// version came from. All three are empty for a version named as
	// such.
	URL   string `json:"url,omitempty"`
	Named string `json:"named,omitempty"`
	From  string `json:"from,omitempty"`

	// Selectors are those the person gave, as they read; empty for the
	// whole fleet.
	Selectors string `json:"selectors,omitempty"`
	Limits    Limits `json:"limits"`

	// Batches are the canary batch, when there is one, then the others,
	// in the order they run.
	Batches []Batch `json:"batches"`

	// Matched counts the nodes the selectors picked. InMaint, AtTarget
	// and Held name those the plan leaves out.
	Matched  int      `json:"matched"`
	InMaint  []string `json:"in_maint,omitempty"`
	AtTarget []string `json:"at_target,omitempty"`
	Held     []Held   `json:"held,omitempty"`

	Made time.Time `json:"made"`
}

// Batch is nodes upgraded side by side.
type Batch struct {
	Canary  bool     `json:"canary,omitempty"`
	Targets []Target `json:"targets"`
}

// has reports whether node is in the batch.
func (b Batch) has(node string) bool {
	for _, t := range b.Targets {
		if t.Node == node {
			return true
		}
	}
	return false
}

// Held is a node left out because its Jenkins agent is the last online
// one of Label.
type Held struct {
	Node  string `json:"node"`
	Label string `json:"label"`
}

// Size returns how many nodes the plan upgrades.
func (p Plan) Size() int {
	n := 0
	for _, b := range p.Batches {
		n += len(b.Targets)
	}
	return n
}

// Params are what Make needs besides the fleet.
type Params struct {
	// Version is the target, as ParseVersion returns it; URL, when set,
	// is where its build is.
	Version string
	URL     string
	Limits  Limits

	// VersionMeta is the node-meta key holding the version a node runs.
	VersionMeta string
}

// Make works out a plan: nodes is what the selectors picked and agents
// are Jenkins' agents (none without Jenkins). The nodes in maintenance
// and those already at the target are left out; canaries are the first
// nodes by name, then the others fill batches in name order. No batch,
// the canaries' included, takes the last online agent of a label offline
// (a node's own name, which Jenkins makes a label, does not count), and a
// node whose agent is the only online one of some label is held back.
// Make does no I/O and leaves its arguments as they are; it gives the
// plan no ID.
func Make(p Params, nodes []fleet.Node, agents []Agent) Plan {
	plan := Plan{Version: p.Version, URL: p.URL, Limits: p.Limits, Matched: len(nodes)}
	nodes = slices.Clone(nodes)
	slices.SortFunc(nodes, compareNodes)

	todo := make([]Target, 0, len(nodes))
	for _, n := range nodes {
		switch {
		case fleet.HealthOf(n) == fleet.Maint:
			plan.InMaint = append(plan.InMaint, n.Name)
		case atVersion(n.Meta[p.VersionMeta], p.Version):
			plan.AtTarget = append(plan.AtTarget, n.Name)
		default:
			todo = append(todo, Target{Node: n.Name, Address: n.Address, Version: p.Version, URL: p.URL})
		}
	}

	pk := packer{rule: newLabelRule(agents), size: p.Limits.Batch}
	plan.Batches, plan.Held = pk.pack(todo, p.Limits.Canary)
	return plan
}

// atVersion reports whether reported, a node's own words about its
// version, names target.
func atVersion(reported, target string) bool {
	v, ok := fleet.Version(reported)
	return ok && fleet.CompareVersions(v, target) == 0
}

// compareNodes orders nodes by name as people read them, dm-2 before
// dm-10.
func compareNodes(a, b fleet.Node) int {
	switch {
	case fleet.NaturalLess(a.Name, b.Name):
		return -1
	case fleet.NaturalLess(b.Name, a.Name):
		return 1
	}
	return strings.Compare(a.Name, b.Name)
}
