package alerts

import (
	"time"

	"github.com/gordonbot/gordon/integrations/consul"
)

// nodeHealthID is the ID of the check Consul's servers keep for each
// node's agent: critical means the agent is unreachable, the node down.
const nodeHealthID = "serfHealth"

// kind is what happened to a check, in the order lines are shown: what
// needs people most comes first.
type kind int

const (
	kindNodeDown kind = iota
	kindCritical
	kindWarning
	kindStillFailing
	kindFlapping
	kindSettled
	kindNodeUp
	kindRecovered
	kindReminder
)

// Notes an event may carry, for changes whose time gordon does not know.
const (
	// noteAtStart marks a change that happened while gordon was not
	// running, found in the first snapshot after a restart.
	noteAtStart = "seen at start"

	// noteResync marks a change found just after Consul was unreachable
	// long enough to be announced: it happened during the outage, at a
	// time no snapshot shows.
	noteResync = "after the consul outage"
)

// String names the kind for logs and metrics.
func (k kind) String() string {
	switch k {
	case kindNodeDown:
		return "node_down"
	case kindCritical:
		return "critical"
	case kindWarning:
		return "warning"
	case kindStillFailing:
		return "still_failing"
	case kindFlapping:
		return "flapping"
	case kindSettled:
		return "settled"
	case kindNodeUp:
		return "node_up"
	case kindReminder:
		return "reminder"
	}
	return "recovered"
}

// event is one announced change of one check.
type event struct {
	kind kind

	// at is when the change fell due: when its new state had held for
	// the debounce time, or when the check was found flapping.
	at time.Time

	node    string
	checkID string
	check   string // the check's name, its ID when it has none
	service string // the service's name, empty for a node check

	// status is the check's state now; severity is what routes match:
	// the state a failure went to, the state a recovery came from, the
	// worst state a flapping check passed through.
	status   string
	severity string

	// output is the check's latest output, raw: it is redacted when it
	// is written into a line.
	output string

	// failed is how long the check failed, for a recovery; failedLonger
	// says it was failing when watching began, so it failed longer.
	failed       time.Duration
	failedLonger bool

	// changes is how many changes made a check flapping.
	changes int

	// note says what gordon knows of the change's time: noteAtStart,
	// noteResync, or for a check still failing when its silence ended,
	// which silence that was ("silence 4 ended"). Empty for a change seen
	// as it happened.
	note string
}

// transitionKind returns the kind of a check going to the state to, being
// neither flapping nor in maintenance.
func transitionKind(checkID, to string) kind {
	nodeHealth := checkID == nodeHealthID
	switch {
	case to == consul.StatusPassing && nodeHealth:
		return kindNodeUp
	case to == consul.StatusPassing:
		return kindRecovered
	case nodeHealth:
		return kindNodeDown
	case to == consul.StatusWarning:
		return kindWarning
	}
	return kindCritical
}

// severityOf returns the severity routes see for a change of kind k from
// one state to another.
func severityOf(k kind, from, to string) string {
	switch k {
	case kindNodeDown, kindNodeUp, kindReminder:
		return SeverityCritical
	case kindRecovered:
		return severityOfStatus(from)
	}
	return severityOfStatus(to)
}

// severityOfStatus maps a check state to a severity: a warning is a
// warning, any other failing state (critical, or one Consul may add) is
// critical.
func severityOfStatus(status string) string {
	if status == consul.StatusWarning {
		return SeverityWarning
	}
	return SeverityCritical
}

// worse returns the more pressing of two states.
func worse(a, b string) string {
	if rank(b) < rank(a) {
		return b
	}
	return a
}

// rank orders states from the most to the least pressing.
func rank(status string) int {
	switch status {
	case consul.StatusPassing:
		return 2
	case consul.StatusWarning:
		return 1
	}
	return 0
}
