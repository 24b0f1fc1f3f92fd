package fleet

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// maxReason is how long, in bytes, a maintenance reason may be in a
// listing.
const maxReason = 80

// Query asks the inventory for a listing.
type Query struct {
	// State is the part of the fleet to list.
	State State

	// Selectors pick the nodes; all must hold. None picks every node.
	Selectors Selectors

	// By is a display name to group the nodes by, or "".
	By string
}

// KeyValue is one fact of a node under its display name.
type KeyValue struct {
	Key   string
	Value string
}

// NodeView is a node as a listing shows it.
type NodeView struct {
	Name   string
	Health Health

	// Critical and Warning name the node's checks in those states.
	Critical []string
	Warning  []string

	// Values are the node's facts in the order of MetaKeys.Names; a fact
	// the node does not report is left out.
	Values []KeyValue

	// Maintenance is set when the node's agent has maintenance mode on;
	// MaintenanceReason is its reason, on one line, short and redacted.
	Maintenance       bool
	MaintenanceReason string

	// Record is gordon's latest record of the node's maintenance, its
	// reason on one line, short and redacted; nil when there is none.
	Record *MaintRecord
}

// Listing answers a Query.
type Listing struct {
	Query Query

	// Counts are over every node the selectors pick, in any state.
	Counts Counts

	// Nodes are the picked nodes in Query.State: unhealthy first, then
	// warning, maint and ok, each by name.
	Nodes []NodeView

	// Groups are set when Query.By is: the picked nodes by value.
	Groups []Group

	// Partial is set when the source may have hidden nodes or checks.
	Partial bool
}

// List answers q. Its errors are an *UnknownKeyError or *SelectorError
// for a query the inventory cannot ask, ErrNoTags, or the source's error
// as it is.
func (inv *Inventory) List(ctx context.Context, q Query) (Listing, error) {
	if _, ok := inv.meta[q.By]; q.By != "" && !ok {
		return Listing{}, fmt.Errorf("group by: %w", &UnknownKeyError{Key: q.By, Known: inv.Keys()})
	}

	list, err := inv.matching(ctx, q.Selectors)
	if err != nil {
		return Listing{}, err
	}
	if err := inv.addRecords(ctx, list.Nodes); err != nil {
		return Listing{}, err
	}

	l := Listing{Query: q, Partial: list.Partial}
	for _, n := range list.Nodes {
		h := HealthOf(n)
		l.Counts.add(h)
		if q.State.Includes(h) {
			l.Nodes = append(l.Nodes, inv.view(n, h))
		}
	}
	slices.SortFunc(l.Nodes, compareViews)

	if q.By != "" {
		l.Groups = inv.group(list.Nodes, q)
	}
	return l, nil
}

// view makes the listing's view of n, whose health is h.
func (inv *Inventory) view(n Node, h Health) NodeView {
	v := NodeView{Name: n.Name, Health: h, Values: inv.values(n.Meta)}
	for _, c := range n.Checks {
		switch c.Status {
		case StatusCritical:
			v.Critical = append(v.Critical, checkName(c))
		case StatusWarning:
			v.Warning = append(v.Warning, checkName(c))
		}
	}

	if n.Maintenance {
		v.Maintenance = true
		v.MaintenanceReason = shortReason(n.MaintenanceReason)
	}
	v.Record = recordView(n.Record, shortReason)
	return v
}

// shortReason makes a maintenance reason fit a listing line.
func shortReason(reason string) string {
	return OneLine(Redact(reason), maxReason)
}

// values returns the facts of a node's metadata under their display names.
func (inv *Inventory) values(meta map[string]string) []KeyValue {
	var kvs []KeyValue
	for _, name := range inv.names {
		if v, ok := meta[inv.meta[name]]; ok {
			kvs = append(kvs, KeyValue{Key: name, Value: OneLine(v, MaxOutput)})
		}
	}
	return kvs
}

// checkName returns the name a check is shown under, on one line.
func checkName(c Check) string {
	name := c.Name
	if name == "" {
		name = c.ID
	}
	return OneLine(name, maxReason)
}

// compareViews orders nodes by health, then by name.
func compareViews(a, b NodeView) int {
	if a.Health != b.Health {
		return int(a.Health) - int(b.Health)
	}
	return compareNames(a.Name, b.Name)
}

// compareNames orders names with NaturalLess, for slices.SortFunc.
func compareNames(a, b string) int {
	switch {
	case NaturalLess(a, b):
		return -1
	case NaturalLess(b, a):
		return 1
	}
	return strings.Compare(a, b)
}
