package fleet

import (
	"context"
	"slices"
)

// Select returns the nodes every selector picks, sorted by name, with
// their addresses and metadata: what a command that acts on each node
// (maint) needs to reach it. Its errors are those of List.
func (inv *Inventory) Select(ctx context.Context, sels Selectors) ([]Node, error) {
	list, err := inv.matching(ctx, sels)
	if err != nil {
		return nil, err
	}

	nodes := list.Nodes
	slices.SortFunc(nodes, func(a, b Node) int { return compareNames(a.Name, b.Name) })
	return nodes, nil
}
