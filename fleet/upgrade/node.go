package upgrade

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

// maxReason is how long, in bytes, a failure's reason is kept.
const maxReason = 160

// steps are a node's steps in order.
var steps = []Step{StepEntering, StepDraining, StepRunning, StepChecking, StepLeaving}

// nodeRun is one node's upgrade.
type nodeRun struct {
	u *Upgrader
	t Target

	// who and note are for the maintenance record and the agent's
	// offline mark: who let the upgrade go, and what it is.
	who  string
	note string

	rec nodeRecord
}

// run takes the node through its steps from the one its record is at,
// storing each before it is taken, and returns the record it ends with.
// When ctx ends first, the record is left at the step that was
// interrupted, for the next start of gordon to go on from.
func (n *nodeRun) run(ctx context.Context) nodeRecord {
	started := n.u.now()
	for _, step := range steps[resumeAt(n.rec.Step):] {
		if err := n.save(ctx, step); err != nil {
			return n.stop(ctx, step, err)
		}
		if err := n.do(ctx, step); err != nil {
			return n.stop(ctx, step, err)
		}
	}

	n.rec.Step = StepUpgraded
	n.saveEnd(ctx)
	n.u.log.Info("node upgraded", keyNode, n.t.Node, keyVersion, n.t.Version, keyDuration, n.u.now().Sub(started))
	return n.rec
}

// resumeAt returns the index in steps to go on from a node at step s.
// Everything before the runner is safe to do again, and is done again
// from its start: a restart may have cut it anywhere.
func resumeAt(s Step) int {
	if i := slices.Index(steps, s); i >= slices.Index(steps, StepRunning) {
		return i
	}
	return 0
}

// do takes one step.
func (n *nodeRun) do(ctx context.Context, step Step) error {
	switch step {
	case StepEntering:
		return n.enter(ctx)
	case StepDraining:
		return n.drain(ctx)
	case StepRunning:
		return n.upgrade(ctx)
	case StepChecking:
		return n.waitHealthy(ctx)
	case StepLeaving:
		return n.leave(ctx)
	}
	return fmt.Errorf("unknown step %q", step)
}

// stop ends the node's run after step failed with err: interrupted when
// ctx ended, failed otherwise.
func (n *nodeRun) stop(ctx context.Context, step Step, err error) nodeRecord {
	if ctx.Err() != nil {
		n.u.log.Info("node upgrade interrupted", keyNode, n.t.Node, keyStep, step)
		return n.rec
	}
	return n.fail(ctx, step, err)
}

// enter silences the node, puts it in maintenance and takes its agent
// offline.
func (n *nodeRun) enter(ctx context.Context) error {
	if n.u.silencer != nil && n.rec.Silence == "" {
		n.silence(ctx)
	}

	if err := n.u.maint.On(ctx, n.t, n.who, n.note); err != nil {
		return fmt.Errorf("put it in maintenance: %w", err)
	}
	if n.u.control == nil {
		return nil
	}
	already, err := n.u.control.Offline(ctx, n.t.Node, n.note)
	switch {
	case errors.Is(err, ErrNoAgent):
		return nil
	case err != nil:
		return fmt.Errorf("take its jenkins agent offline: %w", err)
	case n.rec.AgentSeen:
		// Done again after a restart: the agent is offline by gordon's
		// own hand now, and the first answer stands.
		return nil
	}

	n.rec.AgentSeen, n.rec.AgentKept = true, already
	return n.save(ctx, StepEntering)
}

// silence mutes the node's alerts for as long as its upgrade may take.
// Maintenance mutes them too, so a silence that fails only costs a
// warning.
func (n *nodeRun) silence(ctx context.Context) {
	// The runner's own time limit is not known here; an hour covers the
	// runners gordon has, and the silence is lifted as the node ends.
	d := n.u.cfg.BuildWait.D() + n.u.cfg.HealthTimeout.D() + time.Hour

	id, err := n.u.silencer.Silence(ctx, n.t.Node, n.note, d)
	if err != nil {
		n.u.log.Warn("node not silenced", keyNode, n.t.Node, keyError, err)
		return
	}
	n.rec.Silence = id
	if err := n.save(ctx, StepEntering); err != nil {
		n.u.log.Warn("silence not recorded", keyNode, n.t.Node, keyError, err)
	}
}

// upgrade runs the runner.
func (n *nodeRun) upgrade(ctx context.Context) error {
	t := n.t
	t.Who = n.who
	res, err := n.u.runner.Run(ctx, t)
	if err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	n.u.log.Debug("runner done", keyNode, n.t.Node, keyDuration, res.Took)
	return nil
}

// leave brings the agent back (unless someone else had it offline before
// the upgrade), takes the node out of maintenance and lifts its silence.
// It does all it can and returns what failed.
func (n *nodeRun) leave(ctx context.Context) error {
	var errs []error
	if n.u.control != nil && !n.rec.AgentKept {
		if err := n.u.control.Online(ctx, n.t.Node); err != nil && !errors.Is(err, ErrNoAgent) {
			errs = append(errs, fmt.Errorf("bring its jenkins agent back: %w", err))
		}
	}
	if err := n.u.maint.Off(ctx, n.t); err != nil {
		errs = append(errs, fmt.Errorf("take it out of maintenance: %w", err))
	}
	n.unsilence(ctx)
	return errors.Join(errs...)
}

// unsilence lifts the node's silence, if it has one.
func (n *nodeRun) unsilence(ctx context.Context) {
	if n.u.silencer == nil || n.rec.Silence == "" {
		return
	}
	if err := n.u.silencer.Unsilence(ctx, n.rec.Silence); err != nil {
		n.u.log.Warn("silence not lifted", keyNode, n.t.Node, keyError, err)
		return
	}
	n.rec.Silence = ""
}

// fail ends the node's run after step failed with err. A node that
// failed before its runner started is put back in service; one that
// failed after may be half upgraded, and stays out of service, its
// maintenance and agent saying why, so that no build lands on it. Either
// way the record says where it is.
func (n *nodeRun) fail(ctx context.Context, step Step, err error) nodeRecord {
	reason := clean(err.Error())
	switch step {
	case StepEntering, StepDraining:
		if rerr := n.leave(ctx); rerr != nil {
			n.rec.InMaint = true
			reason += "; and could not be put back: " + clean(rerr.Error())
		}
	case StepLeaving:
		n.rec.InMaint = true
		reason = "upgraded, but " + reason
	default:
		n.rec.InMaint = true
		n.keepOut(ctx, reason)
	}

	n.rec.Step, n.rec.Reason = StepFailed, clean(reason)
	n.saveEnd(ctx)
	n.u.log.Warn("node upgrade failed", keyNode, n.t.Node, keyStep, step, keyError, err)
	return n.rec
}

// keepOut leaves a failed node in maintenance and its agent offline,
// both now saying why.
func (n *nodeRun) keepOut(ctx context.Context, reason string) {
	note := "upgrade to " + n.t.Version + " failed: " + reason
	if err := n.u.maint.On(ctx, n.t, n.who, note); err != nil {
		n.u.log.Warn("maintenance reason not updated", keyNode, n.t.Node, keyError, err)
	}
	if n.u.control != nil {
		if _, err := n.u.control.Offline(ctx, n.t.Node, note); err != nil && !errors.Is(err, ErrNoAgent) {
			n.u.log.Warn("agent offline reason not updated", keyNode, n.t.Node, keyError, err)
		}
	}
	n.unsilence(ctx)
}

// save stores the node at step before it is taken.
func (n *nodeRun) save(ctx context.Context, step Step) error {
	n.rec.Step, n.rec.At = step, n.u.now()
	if err := n.u.book.saveNode(ctx, n.rec); err != nil {
		return err
	}
	n.remember()
	return nil
}

// saveEnd stores how the node ended. The Upgrader remembers it even when
// the store fails, so that the report is right until gordon restarts.
func (n *nodeRun) saveEnd(ctx context.Context) {
	n.rec.At = n.u.now()
	if err := n.u.book.saveNode(ctx, n.rec); err != nil {
		n.u.log.Error("node outcome not stored", keyNode, n.t.Node, keyError, err)
	}
	n.remember()
}

// remember keeps the record for status.
func (n *nodeRun) remember() {
	n.u.mu.Lock()
	n.u.nodes[n.t.Node] = n.rec
	n.u.mu.Unlock()
}

// clean makes text from outside (a runner's output in an error) fit a
// line of the report, with secrets hidden.
func clean(s string) string {
	return fleet.OneLine(fleet.Redact(s), maxReason)
}
