package upgrade

import (
	"time"
)

// Status is the latest upgrade as it stands.
type Status struct {
	// Plan is the upgrade's plan; its ID is empty when no upgrade ever
	// ran.
	Plan   Plan
	Phase  Phase
	Reason string

	// Next is the batch in flight or the next to run, from 0.
	Next int

	AskedBy     string
	ConfirmedBy string
	Place       Place
	Started     time.Time
	Ended       time.Time

	// PauseBy and AbortBy name who asked to pause or abort after the
	// batch in flight.
	PauseBy string
	AbortBy string

	// Upgraded, Failed, InFlight and Waiting together name every node of
	// the plan: done, failed, started and not ended, not started.
	Upgraded []string
	Failed   []Failure
	InFlight []Progress
	Waiting  []string

	// Now is when the status was read.
	Now time.Time
}

// Failure is a node whose upgrade failed.
type Failure struct {
	Node   string
	Reason string

	// InMaint is set when the node is still out of service: in
	// maintenance, or its agent offline.
	InMaint bool
}

// Progress is a node in flight.
type Progress struct {
	Node  string
	Step  Step
	Since time.Time
}

// Status returns the latest upgrade as it stands. Its only error is
// ErrNotReady.
func (u *Upgrader) Status() (Status, error) {
	u.mu.Lock()
	defer u.mu.Unlock()

	if err := u.usableLocked(); err != nil {
		return Status{}, err
	}
	return u.statusLocked(), nil
}

// statusLocked builds the Status from the records.
func (u *Upgrader) statusLocked() Status {
	s := Status{
		Plan: u.plan, Phase: u.st.Phase, Reason: u.st.Reason, Next: u.st.Next,
		AskedBy: u.st.AskedBy, ConfirmedBy: u.st.ConfirmedBy, Place: u.st.Place,
		Started: u.st.Started, Ended: u.st.Ended, PauseBy: u.pauseBy, AbortBy: u.abortBy,
		Now: u.now(),
	}
	for _, b := range u.plan.Batches {
		for _, t := range b.Targets {
			s.add(t.Node, u.nodes[t.Node])
		}
	}
	return s
}

// add puts node, with its record (zero when it has not started), in its
// list.
func (s *Status) add(node string, rec nodeRecord) {
	switch {
	case rec.Step == "":
		s.Waiting = append(s.Waiting, node)
	case rec.Step == StepUpgraded:
		s.Upgraded = append(s.Upgraded, node)
	case rec.Step == StepFailed:
		s.Failed = append(s.Failed, Failure{Node: node, Reason: rec.Reason, InMaint: rec.InMaint})
	default:
		s.InFlight = append(s.InFlight, Progress{Node: node, Step: rec.Step, Since: rec.At})
	}
}
