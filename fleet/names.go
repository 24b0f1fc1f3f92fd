package fleet

import (
	"context"
	"slices"
)

// Nodes returns the names of the nodes every selector picks, sorted. It
// is how a command that acts on nodes (rebuild's "on") turns metadata
// selectors into names.
func (inv *Inventory) Nodes(ctx context.Context, sels Selectors) ([]string, error) {
	list, err := inv.matching(ctx, sels)
	if err != nil {
		return nil, err
	}

	names := make([]string, len(list.Nodes))
	for i, n := range list.Nodes {
		names[i] = n.Name
	}
	slices.Sort(names)
	return names, nil
}
