package consul

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/consul/api"
)

// Check states as Consul names them. StatusMaintenance is what this
// package reports for a service's maintenance check, which Consul itself
// marks critical.
const (
	StatusPassing     = api.HealthPassing
	StatusWarning     = api.HealthWarning
	StatusCritical    = api.HealthCritical
	StatusMaintenance = api.HealthMaint
)

// NodeMaintenanceCheckID is the check Consul adds to a node in maintenance
// mode; its notes hold the reason.
const NodeMaintenanceCheckID = "_node_maintenance"

// serviceMaintenancePrefix starts the ID of a service's maintenance check.
const serviceMaintenancePrefix = "_service_maintenance:"

// notPassing selects the checks worth knowing about in a fleet listing.
const notPassing = `Status != "passing"`

// Node is a node of the catalog with its checks.
type Node struct {
	Name       string
	Address    string
	Datacenter string

	// Meta is the node's metadata, keyed as in Consul.
	Meta map[string]string

	// Checks are the node's checks, less the node maintenance check. A
	// listing holds only the checks that are not passing.
	Checks []Check

	// Maintenance is set when the node is in maintenance mode, with the
	// reason given when it was turned on.
	Maintenance       bool
	MaintenanceReason string

	// Services are the service instances on the node; only Node fills them.
	Services []Service
}

// Check is one health check of a node, or of a service on it.
type Check struct {
	ID          string
	Name        string
	Status      string
	Output      string
	Notes       string
	ServiceID   string
	ServiceName string
}

// Service is one service instance registered on a node.
type Service struct {
	ID   string
	Name string
	Tags []string
}

// NodeList is the answer to Nodes.
type NodeList struct {
	Nodes []Node

	// HiddenByACL is set when Consul left out nodes or checks that the
	// token may not read, so the list may be incomplete.
	//
	// TODO: Consul never says so to a request without a token, so gordon
	// with no token on a Consul whose ACLs deny by default sees an empty
	// fleet and cannot tell why; check-config could warn of an empty
	// token.
	HiddenByACL bool
}

// Nodes returns the nodes that filter selects (every node when it is
// empty), each with its checks that are not passing. filter is a Consul
// filter expression over the catalog's nodes, such as `Meta["kernel"] == "4.19"`.
// It takes two requests, made at once, and reads from any server (a stale
// read), since a listing for a person need not be the very latest.
func (c *Client) Nodes(ctx context.Context, filter string) (NodeList, error) {
	rctx, cancel := c.withTimeout(ctx)
	defer cancel()

	var (
		wg               sync.WaitGroup
		nodes            []*api.Node
		checks           []*api.HealthCheck
		nodeMeta, chMeta *api.QueryMeta
		nodeErr, chErr   error
	)
	wg.Go(func() {
		nodes, nodeMeta, nodeErr = c.api.Catalog().Nodes(staleQuery(rctx, filter))
	})
	wg.Go(func() {
		checks, chMeta, chErr = c.api.Health().State(api.HealthAny, staleQuery(rctx, notPassing))
	})
	wg.Wait()

	if nodeErr != nil {
		return NodeList{}, fmt.Errorf("list nodes: %w", c.classify(ctx, nodeErr))
	}
	if chErr != nil {
		return NodeList{}, fmt.Errorf("list checks: %w", c.classify(ctx, chErr))
	}

	list := NodeList{
		Nodes:       joinChecks(nodes, checks),
		HiddenByACL: nodeMeta.ResultsFilteredByACLs || chMeta.ResultsFilteredByACLs,
	}
	return list, nil
}

// staleQuery returns options for a read any server may answer.
func staleQuery(ctx context.Context, filter string) *api.QueryOptions {
	q := &api.QueryOptions{AllowStale: true, Filter: filter}
	return q.WithContext(ctx)
}

// leaderQuery returns options for a read the leader answers.
func leaderQuery(ctx context.Context) *api.QueryOptions {
	return (&api.QueryOptions{}).WithContext(ctx)
}

// joinChecks puts each check with its node. Checks of nodes not in the
// list are dropped.
func joinChecks(nodes []*api.Node, checks []*api.HealthCheck) []Node {
	out := make([]Node, len(nodes))
	byName := make(map[string]*Node, len(nodes))
	for i, n := range nodes {
		out[i] = Node{Name: n.Node, Address: n.Address, Datacenter: n.Datacenter, Meta: n.Meta}
		byName[n.Node] = &out[i]
	}

	for _, hc := range checks {
		if n := byName[hc.Node]; n != nil {
			n.addCheck(hc)
		}
	}
	return out
}

// addCheck records hc on n: the node maintenance check as n's maintenance
// state, any other check in n.Checks.
func (n *Node) addCheck(hc *api.HealthCheck) {
	if hc.CheckID == NodeMaintenanceCheckID {
		n.Maintenance = true
		n.MaintenanceReason = hc.Notes
		return
	}

	status := hc.Status
	if strings.HasPrefix(hc.CheckID, serviceMaintenancePrefix) {
		status = StatusMaintenance
	}
	n.Checks = append(n.Checks, Check{
		ID:          hc.CheckID,
		Name:        hc.Name,
		Status:      status,
		Output:      hc.Output,
		Notes:       hc.Notes,
		ServiceID:   hc.ServiceID,
		ServiceName: hc.ServiceName,
	})
}

// Node returns the node named name with all its checks and services, and
// false when the catalog has no such node. It reads from the leader, so
// that it shows a change made a moment ago.
func (c *Client) Node(ctx context.Context, name string) (Node, bool, error) {
	rctx, cancel := c.withTimeout(ctx)
	defer cancel()

	var (
		wg             sync.WaitGroup
		cn             *api.CatalogNode
		checks         api.HealthChecks
		nodeErr, chErr error
	)
	wg.Go(func() { cn, _, nodeErr = c.api.Catalog().Node(name, leaderQuery(rctx)) })
	wg.Go(func() { checks, _, chErr = c.api.Health().Node(name, leaderQuery(rctx)) })
	wg.Wait()

	if nodeErr != nil {
		return Node{}, false, fmt.Errorf("read node %s: %w", name, c.classify(ctx, nodeErr))
	}
	if chErr != nil {
		return Node{}, false, fmt.Errorf("read checks of node %s: %w", name, c.classify(ctx, chErr))
	}
	if cn == nil || cn.Node == nil {
		return Node{}, false, nil
	}
	return nodeDetail(cn, checks), true, nil
}

// nodeDetail builds a Node from the catalog's view of it and its checks.
func nodeDetail(cn *api.CatalogNode, checks api.HealthChecks) Node {
	n := Node{
		Name:       cn.Node.Node,
		Address:    cn.Node.Address,
		Datacenter: cn.Node.Datacenter,
		Meta:       cn.Node.Meta,
	}
	for _, hc := range checks {
		n.addCheck(hc)
	}

	for _, s := range cn.Services {
		n.Services = append(n.Services, Service{ID: s.ID, Name: s.Service, Tags: s.Tags})
	}
	slices.SortFunc(n.Services, func(a, b Service) int { return strings.Compare(a.ID, b.ID) })
	return n
}

// ServiceTags returns every service of the catalog with the tags its
// instances carry, in one stale read.
func (c *Client) ServiceTags(ctx context.Context) (map[string][]string, error) {
	rctx, cancel := c.withTimeout(ctx)
	defer cancel()

	services, _, err := c.api.Catalog().Services(staleQuery(rctx, ""))
	if err != nil {
		return nil, fmt.Errorf("list services: %w", c.classify(ctx, err))
	}
	return services, nil
}

// ServiceNodes returns the names of the nodes that run an instance of
// service that filter selects, sorted and without repeats. filter is a
// Consul filter expression over the service's instances, such as
// `"gpu" in ServiceTags`; empty selects every instance.
func (c *Client) ServiceNodes(ctx context.Context, service, filter string) ([]string, error) {
	rctx, cancel := c.withTimeout(ctx)
	defer cancel()

	instances, _, err := c.api.Catalog().Service(service, "", staleQuery(rctx, filter))
	if err != nil {
		return nil, fmt.Errorf("list instances of service %s: %w", service, c.classify(ctx, err))
	}

	names := make([]string, 0, len(instances))
	for _, in := range instances {
		names = append(names, in.Node)
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}
