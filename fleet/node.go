package fleet

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// ErrNoNode is returned, wrapped with the name, for a node the source
// does not know.
var ErrNoNode = errors.New("no such node")

// CheckView is a check as `node` shows it.
type CheckView struct {
	Name    string
	Service string
	Status  string

	// Output is the check's output on one line, redacted and short.
	Output string
}

// NodeDetail is everything the inventory knows about one node.
type NodeDetail struct {
	Name    string
	Address string
	Health  Health

	// Values are the node's facts under their display names, in the order
	// of MetaKeys.Names; a fact the node does not report is left out.
	Values []KeyValue

	// Checks counts all of the node's checks, passing ones too.
	Checks int

	// Failing are the checks that are not passing: critical ones first,
	// then warnings, then services in maintenance, each by name.
	Failing []CheckView

	// Maintenance is set when the node's agent has maintenance mode on;
	// the reason is on one line, short and redacted.
	Maintenance       bool
	MaintenanceReason string

	// Record is gordon's latest record of the node's maintenance, its
	// reason on one line and redacted; nil when there is none.
	Record *MaintRecord

	// Services and Tags are the names of the node's services and the
	// tags they carry, sorted, without repeats.
	Services []string
	Tags     []string

	// TODO: the node's last upgrade belongs here too; it needs the
	// upgrade records, which the inventory does not read. (The node
	// command adds the Jenkins agent's state itself.)
}

// Node returns what the inventory knows about the node named name; an
// error wrapping ErrNoNode when there is none, or the source's error as
// it is.
func (inv *Inventory) Node(ctx context.Context, name string) (NodeDetail, error) {
	n, found, err := inv.nodes.Node(ctx, name)
	if err != nil {
		return NodeDetail{}, err
	}
	if !found {
		return NodeDetail{}, fmt.Errorf("%w: %s", ErrNoNode, name)
	}
	one := []Node{n}
	if err := inv.addRecords(ctx, one); err != nil {
		return NodeDetail{}, err
	}
	n = one[0]

	d := NodeDetail{
		Name:        n.Name,
		Address:     n.Address,
		Health:      HealthOf(n),
		Values:      inv.values(n.Meta),
		Checks:      len(n.Checks),
		Failing:     failing(n.Checks),
		Maintenance: n.Maintenance,
		Record:      recordView(n.Record, CheckOutput),
	}
	if n.Maintenance {
		d.MaintenanceReason = CheckOutput(n.MaintenanceReason)
	}
	d.Services, d.Tags = serviceNames(n.Services)
	return d, nil
}

// failing returns the checks that are not passing, in the order NodeDetail
// shows them, each with its output made fit for a reply.
func failing(checks []Check) []CheckView {
	var views []CheckView
	for _, c := range checks {
		if c.Status == StatusPassing {
			continue
		}
		views = append(views, CheckView{
			Name:    checkName(c),
			Service: c.Service,
			Status:  c.Status,
			Output:  CheckOutput(c.Output),
		})
	}

	slices.SortFunc(views, func(a, b CheckView) int {
		if ra, rb := statusRank(a.Status), statusRank(b.Status); ra != rb {
			return ra - rb
		}
		return compareNames(a.Name, b.Name)
	})
	return views
}

// statusRank orders check states from the most to the least pressing.
func statusRank(status string) int {
	switch status {
	case StatusCritical:
		return 0
	case StatusWarning:
		return 1
	case StatusMaintenance:
		return 2
	}
	return 3
}

// serviceNames returns the sorted names of services and of their tags.
func serviceNames(services []Service) (names, tags []string) {
	nameSet, tagSet := map[string]bool{}, map[string]bool{}
	for _, s := range services {
		nameSet[s.Name] = true
		for _, t := range s.Tags {
			tagSet[t] = true
		}
	}
	return slices.Sorted(maps.Keys(nameSet)), slices.Sorted(maps.Keys(tagSet))
}
