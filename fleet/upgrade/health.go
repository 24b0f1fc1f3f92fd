package upgrade

import (
	"context"
	"fmt"

	"github.com/gordonbot/gordon/fleet"
)

// NodeReader reads one node with all its checks. fleet.ConsulSource
// implements it.
type NodeReader interface {
	// Node returns the node named name, and false when there is none.
	Node(ctx context.Context, name string) (fleet.Node, bool, error)
}

// CatalogHealth reads a node's health from the catalog: its checks, and
// the version its metadata holds under VersionMeta.
type CatalogHealth struct {
	Nodes       NodeReader
	VersionMeta string
}

var _ Health = CatalogHealth{}

// Node returns t's critical checks, and its version as its metadata says
// it. A warning does not hold a node back, as it does not make a node
// unhealthy anywhere in gordon. A node the catalog lacks is an error
// wrapping fleet.ErrNoNode.
func (h CatalogHealth) Node(ctx context.Context, t Target) (NodeHealth, error) {
	n, found, err := h.Nodes.Node(ctx, t.Node)
	if err != nil {
		return NodeHealth{}, err
	}
	if !found {
		return NodeHealth{}, fmt.Errorf("%w: %s", fleet.ErrNoNode, t.Node)
	}

	out := NodeHealth{Version: n.Meta[h.VersionMeta]}
	for _, c := range n.Checks {
		if c.Status == fleet.StatusCritical {
			out.Failing = append(out.Failing, checkName(c))
		}
	}
	return out, nil
}

// checkName names a check as a report shows it.
func checkName(c fleet.Check) string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// ProbedHealth reads checks from Health and the version from Prober: the
// node is asked itself, as the runner reaches it, rather than trusting
// metadata that may lag behind.
type ProbedHealth struct {
	Health Health
	Prober Prober
}

var _ Health = ProbedHealth{}

// Node returns Health's answer with the version the probe says.
func (h ProbedHealth) Node(ctx context.Context, t Target) (NodeHealth, error) {
	out, err := h.Health.Node(ctx, t)
	if err != nil {
		return NodeHealth{}, err
	}

	v, err := h.Prober.Probe(ctx, t)
	if err != nil {
		return NodeHealth{}, fmt.Errorf("probe the version: %w", err)
	}
	out.Version = v
	return out, nil
}
