package fleet

import (
	"context"

	"github.com/gordonbot/gordon/integrations/consul"
)

// ConsulSource serves the inventory from a Consul client: it copies
// Consul's nodes into the fleet's types. The client is a TagSource as it
// is.
type ConsulSource struct {
	Client *consul.Client
}

// Nodes returns the nodes matching the Consul filter expression.
func (s ConsulSource) Nodes(ctx context.Context, filter string) (NodeList, error) {
	list, err := s.Client.Nodes(ctx, filter)
	if err != nil {
		return NodeList{}, err
	}

	out := NodeList{Nodes: make([]Node, len(list.Nodes)), Partial: list.HiddenByACL}
	for i, n := range list.Nodes {
		out.Nodes[i] = fromConsul(n)
	}
	return out, nil
}

// Node returns one node by name, and whether it exists.
func (s ConsulSource) Node(ctx context.Context, name string) (Node, bool, error) {
	n, found, err := s.Client.Node(ctx, name)
	return fromConsul(n), found, err
}

// fromConsul copies a Consul node into the fleet's type.
func fromConsul(n consul.Node) Node {
	out := Node{
		Name:              n.Name,
		Address:           n.Address,
		Meta:              n.Meta,
		Maintenance:       n.Maintenance,
		MaintenanceReason: n.MaintenanceReason,
	}
	for _, c := range n.Checks {
		out.Checks = append(out.Checks, Check{
			ID: c.ID, Name: c.Name, Service: c.ServiceName, Status: c.Status, Output: c.Output, Notes: c.Notes,
		})
	}
	for _, s := range n.Services {
		out.Services = append(out.Services, Service{ID: s.ID, Name: s.Name, Tags: s.Tags})
	}
	return out
}
