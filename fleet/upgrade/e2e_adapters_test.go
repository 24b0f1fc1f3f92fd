package upgrade_test

import (
	"context"

	"github.com/hashicorp/consul/api"

	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/integrations/consul"
)

// The adapters below are how gordon's main reaches the outside for the
// Upgrader; the test writes its own, over the same clients.

// consulFleet selects nodes through Consul's own filtering.
type consulFleet struct {
	src  fleet.ConsulSource
	meta fleet.MetaKeys
}

func (f consulFleet) Select(ctx context.Context, sels fleet.Selectors) ([]fleet.Node, error) {
	flt, err := f.meta.Filter(sels)
	if err != nil {
		return nil, err
	}
	if len(flt.Tags) > 0 {
		return nil, fleet.ErrNoTags
	}
	list, err := f.src.Nodes(ctx, flt.Expr)
	return list.Nodes, err
}

// catalogMaintenance puts the test's catalog-only nodes in maintenance as
// their agent would: with Consul's maintenance check. A node with an
// agent of its own is put in maintenance through consul.Agents instead.
type catalogMaintenance struct {
	catalog *api.Catalog
}

func (m catalogMaintenance) On(ctx context.Context, t upgrade.Target, who, reason string) error {
	check := &api.AgentCheck{Node: t.Node, CheckID: consul.NodeMaintenanceCheckID, Name: "Node Maintenance Mode",
		Status: api.HealthCritical, Notes: reason}
	reg := &api.CatalogRegistration{Node: t.Node, Address: t.Address, SkipNodeUpdate: true, Check: check}
	_, err := m.catalog.Register(reg, (&api.WriteOptions{}).WithContext(ctx))
	return err
}

func (m catalogMaintenance) Off(ctx context.Context, t upgrade.Target) error {
	dereg := &api.CatalogDeregistration{Node: t.Node, CheckID: consul.NodeMaintenanceCheckID}
	_, err := m.catalog.Deregister(dereg, (&api.WriteOptions{}).WithContext(ctx))
	return err
}
