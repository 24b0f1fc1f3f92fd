package upgrade

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/store"
)

// Store keys. The plan and the state of the latest upgrade are kept after
// it ends, for status; each node's record stays until the node's next
// upgrade, and names the plan it belongs to.
const (
	keyPlanRecord  = "upgrade/plan"
	keyStateRecord = "upgrade/state"
	nodeKeyPrefix  = "upgrade/nodes/"
)

// Phase is where an upgrade stands.
type Phase string

// The phases of an upgrade. Running and paused are active: another
// upgrade cannot start until the active one ends.
const (
	PhaseRunning Phase = "running"
	PhasePaused  Phase = "paused"
	PhaseDone    Phase = "done"
	PhaseHalted  Phase = "halted"
	PhaseAborted Phase = "aborted"
)

// Active reports whether the phase is running or paused.
func (p Phase) Active() bool {
	return p == PhaseRunning || p == PhasePaused
}

// Step is where one node stands in its upgrade. A node with no record of
// the plan has not started.
type Step string

// The steps of a node, in order, and how it ends.
const (
	// StepEntering: silenced, put in maintenance, its agent taken offline.
	StepEntering Step = "entering"
	// StepDraining: waiting for the build running on its agent.
	StepDraining Step = "draining"
	// StepRunning: the runner upgrades it.
	StepRunning Step = "running"
	// StepChecking: waiting for the target version and passing checks.
	StepChecking Step = "checking"
	// StepLeaving: agent online, maintenance off, silence lifted.
	StepLeaving Step = "leaving"

	// StepUpgraded: at the target, healthy and back in service.
	StepUpgraded Step = "upgraded"
	// StepFailed: it failed; the record says why and where it is.
	StepFailed Step = "failed"
)

// Done reports whether the node's upgrade has ended, one way or the
// other.
func (s Step) Done() bool {
	return s == StepUpgraded || s == StepFailed
}

// state is what an upgrade has done, stored beside its plan.
type state struct {
	Plan  string `json:"plan"`
	Phase Phase  `json:"phase"`

	// Next is the batch in flight, or the next to run.
	Next int `json:"next"`

	// Reason says why the upgrade is paused or ended, when it is.
	Reason string `json:"reason,omitempty"`

	AskedBy     string    `json:"asked_by"`
	ConfirmedBy string    `json:"confirmed_by"`
	Place       Place     `json:"place"`
	Started     time.Time `json:"started"`
	Ended       time.Time `json:"ended,omitzero"`
}

// nodeRecord is one node's step in an upgrade.
type nodeRecord struct {
	Plan string `json:"plan"`
	Node string `json:"node"`
	Step Step   `json:"step"`

	// Silence is the id of the silence on its alerts, while there is one.
	Silence string `json:"silence,omitempty"`

	// AgentSeen is set once the node's Jenkins agent was taken offline;
	// AgentKept when it was offline already, and so stays offline after.
	AgentSeen bool `json:"agent_seen,omitempty"`
	AgentKept bool `json:"agent_kept,omitempty"`

	// Reason says why a failed node failed; InMaint is set when it is
	// still in maintenance.
	Reason  string `json:"reason,omitempty"`
	InMaint bool   `json:"in_maint,omitempty"`

	Started time.Time `json:"started"`
	At      time.Time `json:"at"`
}

// book reads and writes an upgrade's records.
type book struct {
	kv Store
}

// start stores a new upgrade's plan and state at once.
func (b book) start(ctx context.Context, p Plan, st state) error {
	planData, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode upgrade plan: %w", err)
	}
	stateData, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode upgrade state: %w", err)
	}

	ops := []store.Op{{Key: keyPlanRecord, Value: planData}, {Key: keyStateRecord, Value: stateData}}
	if err := b.kv.Batch(ctx, ops); err != nil {
		return fmt.Errorf("store upgrade plan: %w", err)
	}
	return nil
}

// saveState stores the upgrade's state.
func (b book) saveState(ctx context.Context, st state) error {
	return b.put(ctx, keyStateRecord, st, "upgrade state")
}

// saveNode stores one node's record.
func (b book) saveNode(ctx context.Context, rec nodeRecord) error {
	return b.put(ctx, nodeKeyPrefix+rec.Node, rec, "upgrade step of "+rec.Node)
}

// put stores v as JSON under key; what names it in errors.
func (b book) put(ctx context.Context, key string, v any, what string) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", what, err)
	}
	if err := b.kv.Batch(ctx, []store.Op{{Key: key, Value: data}}); err != nil {
		return fmt.Errorf("store %s: %w", what, err)
	}
	return nil
}

// errNoUpgrade is load's answer when no upgrade was ever stored.
var errNoUpgrade = errors.New("no upgrade stored")

// load reads the latest upgrade: its plan, its state and the records of
// its nodes, by node name. It returns errNoUpgrade when there is none.
func (b book) load(ctx context.Context) (Plan, state, map[string]nodeRecord, error) {
	var p Plan
	var st state
	if err := b.get(ctx, keyPlanRecord, &p); err != nil {
		return p, st, nil, err
	}
	if err := b.get(ctx, keyStateRecord, &st); err != nil {
		return p, st, nil, err
	}
	if st.Plan != p.ID {
		return p, st, nil, fmt.Errorf("upgrade state names plan %s, but the plan stored is %s", st.Plan, p.ID)
	}

	entries, err := b.kv.List(ctx, nodeKeyPrefix)
	if err != nil {
		return p, st, nil, fmt.Errorf("read upgrade steps: %w", err)
	}
	nodes := map[string]nodeRecord{}
	for _, e := range entries {
		var rec nodeRecord
		if err := json.Unmarshal(e.Value, &rec); err != nil {
			return p, st, nil, fmt.Errorf("decode %s: %w", e.Key, err)
		}
		if rec.Plan == p.ID {
			nodes[strings.TrimPrefix(e.Key, nodeKeyPrefix)] = rec
		}
	}
	return p, st, nodes, nil
}

// get reads the JSON value of key into v; errNoUpgrade when key has none.
func (b book) get(ctx context.Context, key string, v any) error {
	data, err := b.kv.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return errNoUpgrade
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}
