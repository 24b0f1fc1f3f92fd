package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/consul/api"
)

// flippedCheck is the check -fail and -pass set: the ssh check every demo
// node has.
const flippedCheck = "ssh"

// flip sets the ssh check of each node in names to status, as a node's
// agent would report it, leaving the rest of the node as it is.
func flip(ctx context.Context, catalog *api.Catalog, names, status, output string) error {
	for _, name := range strings.Split(names, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}

		node, _, err := catalog.Node(name, (&api.QueryOptions{}).WithContext(ctx))
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if node == nil || node.Node == nil {
			return fmt.Errorf("no node %s in the demo fleet", name)
		}

		reg := &api.CatalogRegistration{
			Node:           name,
			Address:        node.Node.Address,
			SkipNodeUpdate: true,
			Check: &api.AgentCheck{Node: name, CheckID: flippedCheck, Name: flippedCheck,
				Status: status, Output: output},
		}
		if _, err := catalog.Register(reg, (&api.WriteOptions{}).WithContext(ctx)); err != nil {
			return fmt.Errorf("set %s's %s check %s: %w", name, flippedCheck, status, err)
		}
	}
	return nil
}
