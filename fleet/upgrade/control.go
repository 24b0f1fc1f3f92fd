package upgrade

import (
	"context"
	"fmt"
)

// Pause stops the upgrade after the batch in flight. It returns a line
// for the person who asked. Errors: ErrNotReady, ErrNoUpgrade, and
// ErrStopping when it is aborting.
func (u *Upgrader) Pause(ctx context.Context, who string) (string, error) {
	u.mu.Lock()
	line, err := u.pauseLocked(who)
	plan := u.plan.ID
	u.mu.Unlock()

	if err == nil {
		u.log.Info("upgrade pause asked", keyPlan, plan, keyWho, who)
	}
	return line, err
}

// pauseLocked asks for the pause and says when it takes effect.
func (u *Upgrader) pauseLocked(who string) (string, error) {
	if err := u.controllableLocked(); err != nil {
		return "", err
	}
	switch {
	case u.st.Phase == PhasePaused:
		return fmt.Sprintf("the upgrade to %s is paused already", u.plan.Version), nil
	case u.abortBy != "":
		return "", fmt.Errorf("%w: %s asked to abort it", ErrStopping, u.abortBy)
	}

	u.pauseBy = who
	return "pausing the upgrade to " + u.plan.Version + " " + u.afterInFlightLocked(), nil
}

// Resume goes on with a paused upgrade, or withdraws a pause not yet
// taken. Errors: ErrNotReady, ErrNoUpgrade, ErrNotPaused, ErrStopping
// when it is aborting, or the store's when the change cannot be recorded.
func (u *Upgrader) Resume(ctx context.Context, who string) (string, error) {
	u.mu.Lock()
	if err := u.controllableLocked(); err != nil {
		u.mu.Unlock()
		return "", err
	}
	if u.st.Phase == PhaseRunning {
		line, err := u.withdrawPauseLocked()
		u.mu.Unlock()
		return line, err
	}
	st, version, batches := u.st, u.plan.Version, len(u.plan.Batches)
	st.Phase, st.Reason = PhaseRunning, ""
	u.mu.Unlock()

	// The state is stored before Run goes on, so that a crash right after
	// leaves it as it was said to be.
	if err := u.book.saveState(ctx, st); err != nil {
		return "", err
	}
	u.mu.Lock()
	if u.st.Plan == st.Plan && u.st.Phase == PhasePaused {
		u.st = st
	}
	u.mu.Unlock()

	u.log.Info("upgrade resumed", keyPlan, st.Plan, keyWho, who)
	u.poke()
	return fmt.Sprintf("resuming the upgrade to %s at batch %d/%d", version, st.Next+1, batches), nil
}

// withdrawPauseLocked takes back a pause asked of the running upgrade.
func (u *Upgrader) withdrawPauseLocked() (string, error) {
	switch {
	case u.abortBy != "":
		return "", fmt.Errorf("%w: %s asked to abort it", ErrStopping, u.abortBy)
	case u.pauseBy == "":
		return "", fmt.Errorf("%w: it is running", ErrNotPaused)
	}
	u.pauseBy = ""
	return "pause withdrawn; the upgrade to " + u.plan.Version + " goes on", nil
}

// Abort ends the upgrade: nodes in flight finish, no other starts, and
// the summary follows where the progress is said. A paused upgrade that
// a restart interrupted first finishes the nodes it left in flight.
// Errors: ErrNotReady, ErrNoUpgrade.
func (u *Upgrader) Abort(ctx context.Context, who string) (string, error) {
	u.mu.Lock()
	line, err := u.abortLocked(who)
	plan := u.plan.ID
	u.mu.Unlock()

	if err == nil {
		u.log.Info("upgrade abort asked", keyPlan, plan, keyWho, who)
	}
	return line, err
}

// abortLocked asks for the abort and says what happens to the nodes in
// flight.
func (u *Upgrader) abortLocked(who string) (string, error) {
	if err := u.controllableLocked(); err != nil {
		return "", err
	}
	if u.abortBy != "" {
		return fmt.Sprintf("the upgrade to %s is aborting already (asked by %s)", u.plan.Version, u.abortBy), nil
	}

	u.abortBy, u.pauseBy = who, ""
	if u.st.Phase == PhasePaused {
		// Run ends the upgrade; a crash before it does leaves it paused,
		// which is safe.
		u.st.Phase = PhaseRunning
		u.poke()
	}

	inFlight := u.inFlightLocked()
	if len(inFlight) == 0 {
		return "aborting the upgrade to " + u.plan.Version + "; no node is in flight", nil
	}
	return fmt.Sprintf("aborting the upgrade to %s: the nodes in flight (%s) finish, no other starts",
		u.plan.Version, names(inFlight, maxNames)), nil
}

// controllableLocked returns why there is no upgrade to control, or nil.
func (u *Upgrader) controllableLocked() error {
	if err := u.usableLocked(); err != nil {
		return err
	}
	if !u.st.Phase.Active() {
		return ErrNoUpgrade
	}
	return nil
}

// inFlightLocked returns the nodes of the current batch that started and
// have not ended.
func (u *Upgrader) inFlightLocked() []string {
	if u.st.Next >= len(u.plan.Batches) {
		return nil
	}
	var out []string
	for _, t := range u.plan.Batches[u.st.Next].Targets {
		if rec, ok := u.nodes[t.Node]; ok && !rec.Step.Done() {
			out = append(out, t.Node)
		}
	}
	return out
}

// afterInFlightLocked says when a pause takes effect.
func (u *Upgrader) afterInFlightLocked() string {
	inFlight := u.inFlightLocked()
	if len(inFlight) == 0 {
		return fmt.Sprintf("before batch %d/%d", u.st.Next+1, len(u.plan.Batches))
	}
	return fmt.Sprintf("after batch %d/%d (in flight: %s)", u.st.Next+1, len(u.plan.Batches),
		names(inFlight, maxNames))
}
