package upgrade

import "errors"

// Errors of the Upgrader's controls. Their text is meant for the person
// who used the control; callers match them with errors.Is.
var (
	// ErrNotReady: the Upgrader has not read its records yet (Run has not
	// started), or could not read them.
	ErrNotReady = errors.New("upgrades are not ready yet")

	// ErrActive: an upgrade is running or paused, and another cannot
	// start until it ends.
	ErrActive = errors.New("an upgrade is already under way")

	// ErrNoUpgrade: there is no upgrade to control.
	ErrNoUpgrade = errors.New("no upgrade is under way")

	// ErrNotPaused: resume was asked of an upgrade that is running.
	ErrNotPaused = errors.New("the upgrade is not paused")

	// ErrStopping: pause was asked of an upgrade that is already aborting.
	ErrStopping = errors.New("the upgrade is already stopping")
)
