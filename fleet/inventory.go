package fleet

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Node is a fleet node as its source reports it.
type Node struct {
	Name    string
	Address string

	// Meta is the node's metadata, keyed by node-meta key (not by
	// display name).
	Meta map[string]string

	// Checks are the node's checks, less the maintenance check. In a
	// listing a source may give only those that are not passing.
	Checks []Check

	// Maintenance is set when the node's agent has maintenance mode on,
	// with the reason given when it was turned on.
	Maintenance       bool
	MaintenanceReason string

	// Record is gordon's own latest record of the node's maintenance, nil
	// when it has none. The inventory sets it, not the source.
	Record *MaintRecord

	// Services run on the node; a listing may leave them out.
	Services []Service
}

// Check is one health check of a node or of a service on it.
type Check struct {
	ID      string
	Name    string
	Service string // the service's name, empty for a node check
	Status  string // StatusPassing, StatusWarning, StatusCritical, StatusMaintenance
	Output  string
	Notes   string
}

// Service is one service instance on a node.
type Service struct {
	ID   string
	Name string
	Tags []string
}

// NodeList is a listing from a source.
type NodeList struct {
	Nodes []Node

	// Partial is set when the source left out nodes or checks the reader
	// may not see (Consul's ACLs), so counts may be low.
	Partial bool
}

// NodeSource reads nodes. In gordon it is Consul.
type NodeSource interface {
	// Nodes returns the nodes filter selects, each with at least its
	// checks that are not passing. filter is a Consul filter expression
	// over nodes, as Filter makes it; "" selects every node.
	Nodes(ctx context.Context, filter string) (NodeList, error)

	// Node returns one node with all its checks and services; false when
	// there is no such node, which is not an error.
	Node(ctx context.Context, name string) (Node, bool, error)
}

// TagSource tells which nodes run services with which tags.
type TagSource interface {
	// ServiceTags returns every service with the tags its instances carry.
	ServiceTags(ctx context.Context) (map[string][]string, error)

	// ServiceNodes returns the names of the nodes that run an instance of
	// service that filter selects; filter is a TagExpr expression.
	ServiceNodes(ctx context.Context, service, filter string) ([]string, error)
}

// ErrNoTags is returned for a tag selector when the inventory has no
// TagSource.
var ErrNoTags = errors.New("tag selectors are not available")

// Inventory answers questions about the fleet: which nodes match, how they
// are, grouped how. It reads its source on every question and keeps
// nothing between them. It is safe for concurrent use.
type Inventory struct {
	nodes NodeSource
	tags  TagSource   // nil: tag selectors are refused
	maint MaintSource // nil: gordon's maintenance records are not shown
	meta  MetaKeys
	names []string // meta's display names, in the order nodes show them
}

// NewInventory returns an inventory over nodes and tags (which may be
// nil), showing and selecting by the display names of meta.
func NewInventory(nodes NodeSource, tags TagSource, meta MetaKeys) *Inventory {
	meta = maps.Clone(meta)
	return &Inventory{nodes: nodes, tags: tags, meta: meta, names: meta.Names()}
}

// Keys returns the display names a selector or `by` may use, in the order
// nodes show them.
func (inv *Inventory) Keys() []string {
	return slices.Clone(inv.names)
}

// matching returns the nodes every selector picks: metadata and names
// are filtered by the source, tags through the TagSource.
func (inv *Inventory) matching(ctx context.Context, sels Selectors) (NodeList, error) {
	f, err := inv.meta.Filter(sels)
	if err != nil {
		return NodeList{}, err
	}
	if len(f.Tags) > 0 && inv.tags == nil {
		return NodeList{}, ErrNoTags
	}

	// The source's errors say what it was doing; they come back as they are.
	list, err := inv.nodes.Nodes(ctx, f.Expr)
	if err != nil {
		return NodeList{}, err
	}

	if len(f.Tags) == 0 {
		return list, nil
	}
	list.Nodes, err = inv.keepTags(ctx, list.Nodes, f.Tags)
	return list, err
}

// keepTags keeps the nodes that every tag selector picks. It asks the
// TagSource for the services and their tags once, then, for each
// selector, for the nodes of each service carrying a matching tag.
//
// TODO: those requests go one after the other; a fleet with many tagged
// services would want them made a few at a time.
func (inv *Inventory) keepTags(ctx context.Context, nodes []Node, tagSels Selectors) ([]Node, error) {
	services, err := inv.tags.ServiceTags(ctx)
	if err != nil {
		return nil, err
	}

	for _, s := range tagSels {
		names, err := inv.taggedNodes(ctx, services, s)
		if err != nil {
			return nil, fmt.Errorf("list nodes with %s: %w", s, err)
		}
		nodes = keepTagged(nodes, names, s.Op.negated())
	}
	return nodes, nil
}

// keepTagged keeps the nodes named in tagged, or with negate those not
// named.
func keepTagged(nodes []Node, tagged map[string]bool, negate bool) []Node {
	return slices.DeleteFunc(nodes, func(n Node) bool {
		return tagged[n.Name] == negate
	})
}

// taggedNodes returns the names of the nodes running a service with a tag
// that s's value matches, ignoring s's negation. services are the
// services with their tags: only those with a matching tag are asked for
// their nodes.
func (inv *Inventory) taggedNodes(ctx context.Context, services map[string][]string,
	s Selector) (map[string]bool, error) {
	names := map[string]bool{}
	for _, service := range slices.Sorted(maps.Keys(services)) {
		tags := slices.DeleteFunc(slices.Clone(services[service]), func(tag string) bool {
			return !s.valueMatches(tag)
		})
		expr, ok := TagExpr(tags)
		if !ok {
			continue
		}

		nodes, err := inv.tags.ServiceNodes(ctx, service, expr)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			names[n] = true
		}
	}
	return names, nil
}
