package upgrade

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// reasonRestart is why an upgrade that gordon's restart interrupted
// waits.
const reasonRestart = "gordon restarted while it ran"

// Run rolls upgrades until ctx ends, and then returns nil. It first reads
// the latest upgrade from the store: one that was running when gordon
// stopped is paused, and announced with how to go on, as is one that was
// paused. Progress is said through out. When ctx ends in the middle of a
// batch, the runners are stopped and every node's step stays stored for
// the next start.
func (u *Upgrader) Run(ctx context.Context, out Announcer) error {
	u.reload(ctx, out)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-u.wake:
			u.roll(ctx, out)
		}
	}
}

// reload reads the latest upgrade and makes the Upgrader ready. Records
// that cannot be read leave upgrades unavailable, saying why, rather than
// stopping gordon.
func (u *Upgrader) reload(ctx context.Context, out Announcer) {
	p, st, nodes, err := u.book.load(ctx)
	if errors.Is(err, errNoUpgrade) {
		err = nil
	}
	if err != nil {
		u.log.Error("upgrade records unreadable", keyError, err)
	}

	interrupted := err == nil && st.Phase == PhaseRunning
	if interrupted {
		st.Phase, st.Reason = PhasePaused, reasonRestart
		if serr := u.book.saveState(ctx, st); serr != nil {
			u.log.Error("interrupted upgrade not recorded as paused", keyPlan, st.Plan, keyError, serr)
		}
	}

	u.mu.Lock()
	u.ready, u.loadErr = true, err
	if err == nil && p.ID != "" {
		u.plan, u.st, u.nodes = p, st, nodes
	}
	status := u.statusLocked()
	u.mu.Unlock()

	if err == nil && st.Phase.Active() {
		u.log.Warn("upgrade waits for resume", keyPlan, p.ID, keyPhase, st.Phase, keyReason, st.Reason)
		u.announce(ctx, out, st.Place, waitingLines(status)...)
	}
}

// action is what the rolling does next.
type action int

const (
	actStop   action = iota // nothing to do: not running
	actBatch                // run the batch st.Next
	actFinish               // end the upgrade
	actPause                // pause it as asked
)

// roll runs batches until the upgrade pauses, ends or ctx does.
func (u *Upgrader) roll(ctx context.Context, out Announcer) {
	for ctx.Err() == nil {
		act, onlyStarted := u.decide()
		switch act {
		case actStop:
			return
		case actFinish:
			u.finish(ctx, out)
			return
		case actPause:
			u.pauseNow(ctx, out)
			return
		case actBatch:
			if !u.batch(ctx, out, onlyStarted) {
				return
			}
		}
	}
}

// decide says what comes next. An abort first lets the nodes a restart
// left in flight finish, and only those.
func (u *Upgrader) decide() (act action, onlyStarted bool) {
	u.mu.Lock()
	defer u.mu.Unlock()

	switch {
	case u.st.Phase != PhaseRunning:
		return actStop, false
	case u.abortBy != "" && len(u.inFlightLocked()) > 0:
		return actBatch, true
	case u.abortBy != "" || u.st.Next >= len(u.plan.Batches):
		return actFinish, false
	case u.pauseBy != "":
		return actPause, false
	}
	return actBatch, false
}

// batch runs the batch st.Next and says how it went, then pauses or
// halts the upgrade when its failures call for it. It reports whether the
// upgrade still runs.
func (u *Upgrader) batch(ctx context.Context, out Announcer, onlyStarted bool) bool {
	u.mu.Lock()
	p, st := u.plan, u.st
	u.mu.Unlock()
	b := p.Batches[st.Next]

	// The fleet may have changed since the plan was shown: a node left
	// offline by a failure, an agent disconnected. The rule is checked
	// again before anything is taken offline.
	if !onlyStarted {
		if why := u.labelsAllow(ctx, b); why != "" {
			if ctx.Err() == nil {
				u.pauseFor(ctx, out, why)
			}
			return false
		}
	}

	started := u.now()
	recs := u.runBatch(ctx, p, st, onlyStarted)
	switch {
	case ctx.Err() != nil:
		return false
	case !slices.ContainsFunc(recs, func(r nodeRecord) bool { return r.Step != "" }):
		// An abort came before any node of the batch started.
		return true
	}

	status := u.endBatch(ctx, b)
	lines := []string{batchLine(status, st.Next, recs, u.now().Sub(started))}
	if status.Phase == PhaseHalted {
		lines = append(lines, summaryLine(status))
	}
	u.announce(ctx, out, st.Place, lines...)
	return status.Phase == PhaseRunning
}

// labelsAllow returns why batch b may not go offline now, or "".
func (u *Upgrader) labelsAllow(ctx context.Context, b Batch) string {
	if u.agents == nil {
		return ""
	}

	agents, err := u.agents.Agents(ctx)
	if err != nil {
		u.log.Warn("jenkins agents unreadable", keyError, err)
		return "cannot read Jenkins' agents: " + clean(err.Error())
	}
	if label, broken := newLabelRule(agents).breaks(b.Targets); broken {
		return fmt.Sprintf("the next batch would take the last online agent of label %s offline", label)
	}
	return ""
}

// runBatch upgrades the nodes of batch st.Next side by side and returns
// their records. Nodes that ended before (a restart in between) are not
// touched again; with onlyStarted, neither are those not yet started.
func (u *Upgrader) runBatch(ctx context.Context, p Plan, st state, onlyStarted bool) []nodeRecord {
	targets := p.Batches[st.Next].Targets
	recs := make([]nodeRecord, len(targets))
	who, note := st.ConfirmedBy, maintNote(p, st)

	// An abort asked for since the batch was chosen starts no node.
	u.mu.Lock()
	onlyStarted = onlyStarted || u.abortBy != ""
	u.mu.Unlock()

	var wg sync.WaitGroup
	for i, t := range targets {
		u.mu.Lock()
		rec, ok := u.nodes[t.Node]
		u.mu.Unlock()

		switch {
		case ok && rec.Step.Done():
			recs[i] = rec
			continue
		case !ok && onlyStarted:
			continue
		case !ok:
			rec = nodeRecord{Plan: p.ID, Node: t.Node, Started: u.now()}
		}

		n := &nodeRun{u: u, t: t, who: who, note: note, rec: rec}
		wg.Go(func() { recs[i] = n.run(ctx) })
	}
	wg.Wait()
	return recs
}

// maintNote is the reason nodes are put in maintenance for: people who
// read Consul or Jenkins see what and who.
func maintNote(p Plan, st state) string {
	note := "upgrade to " + p.Version + " by " + st.ConfirmedBy
	if st.AskedBy != "" && st.AskedBy != st.ConfirmedBy {
		note += " (asked by " + st.AskedBy + ")"
	}
	return note + " via gordon"
}

// endBatch moves on past the batch just run and decides on the failures:
// more than the budget halt the upgrade, a failed canary pauses it. It
// returns the status after that.
func (u *Upgrader) endBatch(ctx context.Context, b Batch) Status {
	u.mu.Lock()
	u.st.Next++
	failed, failedHere := 0, 0
	for node, rec := range u.nodes {
		if rec.Step == StepFailed {
			failed++
			if b.has(node) {
				failedHere++
			}
		}
	}

	// An abort asked for wins over a canary's pause: it was the person's
	// last word.
	switch {
	case failed > u.plan.Limits.MaxFail:
		u.st.Phase, u.st.Ended = PhaseHalted, u.now()
		u.st.Reason = fmt.Sprintf("%d failed, more than the %d allowed", failed, u.plan.Limits.MaxFail)
	case b.Canary && failedHere > 0 && u.abortBy == "":
		u.st.Phase, u.st.Reason = PhasePaused, "a canary failed"
	}
	if u.st.Phase != PhaseRunning {
		u.pauseBy, u.abortBy = "", ""
	}
	st, status := u.st, u.statusLocked()
	u.mu.Unlock()

	u.save(ctx, st)
	if st.Phase != PhaseRunning {
		u.log.Warn("upgrade stopped", keyPlan, st.Plan, keyPhase, st.Phase, keyReason, st.Reason)
	}
	return status
}

// finish ends the upgrade, done or aborted, and says the summary.
func (u *Upgrader) finish(ctx context.Context, out Announcer) {
	u.mu.Lock()
	u.st.Phase, u.st.Ended = PhaseDone, u.now()
	if u.abortBy != "" {
		u.st.Phase, u.st.Reason = PhaseAborted, "aborted by "+u.abortBy
	}
	u.pauseBy, u.abortBy = "", ""
	st, status := u.st, u.statusLocked()
	u.mu.Unlock()

	u.save(ctx, st)
	u.log.Info("upgrade ended", keyPlan, st.Plan, keyPhase, st.Phase, keyUpgraded, len(status.Upgraded),
		keyFailed, len(status.Failed), keyDuration, st.Ended.Sub(st.Started))
	u.announce(ctx, out, st.Place, summaryLine(status))
}

// pauseNow pauses the upgrade as a person asked.
func (u *Upgrader) pauseNow(ctx context.Context, out Announcer) {
	u.mu.Lock()
	who := u.pauseBy
	u.mu.Unlock()
	u.pauseFor(ctx, out, "paused by "+who)
}

// pauseFor pauses the upgrade before the batch st.Next, for reason.
func (u *Upgrader) pauseFor(ctx context.Context, out Announcer, reason string) {
	u.mu.Lock()
	u.st.Phase, u.st.Reason = PhasePaused, reason
	u.pauseBy = ""
	st, status := u.st, u.statusLocked()
	u.mu.Unlock()

	u.save(ctx, st)
	u.log.Info("upgrade paused", keyPlan, st.Plan, keyReason, reason)
	u.announce(ctx, out, st.Place, pausedLine(status))
}

// save stores the state. A state that cannot be stored is logged: the
// steps of the nodes are stored apart, so a restart redoes at most the
// bookkeeping of one batch.
func (u *Upgrader) save(ctx context.Context, st state) {
	if err := u.book.saveState(ctx, st); err != nil {
		u.log.Error("upgrade state not stored", keyPlan, st.Plan, keyError, err)
	}
}

// announce says lines at p, logging a failure.
func (u *Upgrader) announce(ctx context.Context, out Announcer, p Place, lines ...string) {
	if err := out.Announce(ctx, p, lines...); err != nil {
		u.log.Error("upgrade progress not said", keyError, err)
	}
}
