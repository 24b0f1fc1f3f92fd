package fleet

import "fmt"

// Check states, as Consul names them. StatusMaintenance marks a service's
// maintenance check, which is not a failure.
const (
	StatusPassing     = "passing"
	StatusWarning     = "warning"
	StatusCritical    = "critical"
	StatusMaintenance = "maintenance"
)

// Health is what a node's checks add up to.
type Health int

// The healths a node can have, in the order a listing shows them.
const (
	// Unhealthy: at least one check is critical.
	Unhealthy Health = iota

	// Warning: no check is critical, at least one is warning.
	Warning

	// Maint: the node is in maintenance, by its agent or by gordon's
	// record, whatever its checks say.
	Maint

	// Healthy: every check passes, or the node has none.
	Healthy
)

// String returns the health as listings show it: "unhealthy", "warning",
// "maint" or "ok".
func (h Health) String() string {
	switch h {
	case Unhealthy:
		return "unhealthy"
	case Warning:
		return "warning"
	case Maint:
		return "maint"
	case Healthy:
		return "ok"
	}
	return fmt.Sprintf("Health(%d)", int(h))
}

// HealthOf returns n's health. Maintenance, by the node's agent or by
// gordon's record, wins over any check; a critical check makes the node
// unhealthy; a warning only warns.
func HealthOf(n Node) Health {
	if n.Maintenance || (n.Record != nil && n.Record.On) {
		return Maint
	}

	h := Healthy
	for _, c := range n.Checks {
		switch c.Status {
		case StatusCritical:
			return Unhealthy
		case StatusWarning:
			h = Warning
		}
	}
	return h
}

// State is the part of the fleet a listing asks for.
type State int

// The states of `nodes [unhealthy|healthy|maint|all]`.
const (
	// StateAll: every node.
	StateAll State = iota

	// StateUnhealthy: nodes with a critical check, not in maintenance.
	StateUnhealthy

	// StateHealthy: nodes with no critical check, not in maintenance;
	// nodes with a warning are healthy with a warning.
	StateHealthy

	// StateMaint: nodes in maintenance.
	StateMaint
)

// stateNames are the words of the states, as users write them.
var stateNames = map[string]State{
	"all":       StateAll,
	"unhealthy": StateUnhealthy,
	"healthy":   StateHealthy,
	"maint":     StateMaint,
}

// ParseState returns the state a word names, and false for any other word.
func ParseState(word string) (State, bool) {
	s, ok := stateNames[word]
	return s, ok
}

// String returns the word of the state.
func (s State) String() string {
	for name, st := range stateNames {
		if st == s {
			return name
		}
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Includes reports whether a node of health h is in the state.
func (s State) Includes(h Health) bool {
	switch s {
	case StateUnhealthy:
		return h == Unhealthy
	case StateHealthy:
		return h == Healthy || h == Warning
	case StateMaint:
		return h == Maint
	}
	return true
}

// Counts are how many nodes have each health.
type Counts struct {
	Unhealthy int
	Warning   int
	Maint     int
	Healthy   int
}

// add counts one node of health h.
func (c *Counts) add(h Health) {
	switch h {
	case Unhealthy:
		c.Unhealthy++
	case Warning:
		c.Warning++
	case Maint:
		c.Maint++
	default:
		c.Healthy++
	}
}

// Total returns the number of nodes counted.
func (c Counts) Total() int {
	return c.Unhealthy + c.Warning + c.Maint + c.Healthy
}

// In returns how many of the nodes counted are in state s.
func (c Counts) In(s State) int {
	switch s {
	case StateUnhealthy:
		return c.Unhealthy
	case StateHealthy:
		return c.Healthy + c.Warning
	case StateMaint:
		return c.Maint
	}
	return c.Total()
}
