package fleet

import (
	"cmp"
	"slices"
)

// Group is the nodes of a listing that share a value of the `by` key, so
// that a pattern stands out: "kernel 4.19: 7 of 12 unhealthy".
type Group struct {
	// Value is what the nodes share: the major.minor of a version
	// (4.19 for kernels 4.19.0-17 and 4.19.2), any other value whole.
	Value string

	// Missing marks the group of nodes that do not report the key; its
	// Value is empty.
	Missing bool

	// Counts are over the group's nodes in any state.
	Counts Counts

	// Nodes name the group's nodes in the query's state, ordered as
	// Listing.Nodes is.
	Nodes []string
}

// member is a node in a group, with what ordering it needs.
type member struct {
	name   string
	health Health
}

// groupBuilder is a group being filled.
type groupBuilder struct {
	Group
	members []member
}

// missingID keys the group of nodes without the key; no value holds a NUL.
const missingID = "\x00"

// group splits nodes by their value of q.By and orders the groups as
// compareGroups says.
func (inv *Inventory) group(nodes []Node, q Query) []Group {
	key := inv.meta[q.By]
	byID := map[string]*groupBuilder{}
	var builders []*groupBuilder

	values := groupValues{}
	for _, n := range nodes {
		value, ok := n.Meta[key]
		id := missingID
		if ok {
			value = values.of(value)
			id = value
		}

		b := byID[id]
		if b == nil {
			b = &groupBuilder{Group: Group{Value: value, Missing: !ok}}
			byID[id] = b
			builders = append(builders, b)
		}
		b.add(n.Name, HealthOf(n), q.State)
	}

	groups := make([]Group, len(builders))
	for i, b := range builders {
		groups[i] = b.finish()
	}
	slices.SortFunc(groups, func(a, b Group) int { return compareGroups(a, b, q.State) })
	return groups
}

// groupValues remembers the group value of each value met, since a fleet
// has few distinct values and many nodes.
type groupValues map[string]string

// of returns the group value of v.
func (gv groupValues) of(v string) string {
	g, ok := gv[v]
	if !ok {
		g = groupValue(OneLine(v, MaxOutput))
		gv[v] = g
	}
	return g
}

// add counts a node of health h, and keeps its name when it is in state.
func (b *groupBuilder) add(name string, h Health, state State) {
	b.Counts.add(h)
	if state.Includes(h) {
		b.members = append(b.members, member{name: name, health: h})
	}
}

// finish returns the group with its node names in order.
func (b *groupBuilder) finish() Group {
	slices.SortFunc(b.members, compareMembers)

	g := b.Group
	g.Nodes = make([]string, len(b.members))
	for i, m := range b.members {
		g.Nodes[i] = m.name
	}
	return g
}

// compareMembers orders a group's nodes as a listing's.
func compareMembers(a, b member) int {
	if a.health != b.health {
		return int(a.health) - int(b.health)
	}
	return compareNames(a.name, b.name)
}

// compareGroups orders groups so that a pattern stands out: more nodes in
// state first (for StateAll, more unhealthy nodes, then more nodes), then
// by value, the missing group last among equals.
func compareGroups(a, b Group, state State) int {
	if c := cmp.Compare(b.Counts.In(state), a.Counts.In(state)); state != StateAll && c != 0 {
		return c
	}
	if c := cmp.Compare(b.Counts.Unhealthy, a.Counts.Unhealthy); state == StateAll && c != 0 {
		return c
	}
	if c := cmp.Compare(b.Counts.Total(), a.Counts.Total()); c != 0 {
		return c
	}

	if a.Missing != b.Missing {
		if a.Missing {
			return 1
		}
		return -1
	}
	return compareValues(a.Value, b.Value)
}

// compareValues orders two group values: versions as versions and before
// other text, other text naturally.
func compareValues(a, b string) int {
	_, va := leadingVersion(a)
	_, vb := leadingVersion(b)
	switch {
	case va && vb:
		if c := CompareVersions(a, b); c != 0 {
			return c
		}
	case va:
		return -1
	case vb:
		return 1
	}
	return compareNames(a, b)
}
