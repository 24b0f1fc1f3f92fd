// Package upgrade rolls a new version over the fleet, a few nodes at a
// time, so that the CI keeps running while it happens.
//
// A Plan comes first and is shown before anything runs: the nodes the
// selectors pick, less those in maintenance and those already at the
// target, canaries first and then batches, and never a batch that would
// take the last online Jenkins agent of a label offline. Make builds it
// from what the fleet and Jenkins say; it does no I/O of its own. The
// target is a version, or "rc" or "master", which a VersionSource works
// out when the plan is made; the plan then says what it stood for and
// where that came from, since "rc" tomorrow may be another version.
//
// The Upgrader then rolls the plan, batch by batch, the nodes of a batch
// side by side. Each node is silenced, put in maintenance and taken out of
// Jenkins (after its running build), upgraded by a Runner, watched until
// it reports the target version and its checks pass for a settle time,
// and put back. A failed canary pauses the upgrade, more failures than the
// budget halt it, and a node that failed after its runner started stays in
// maintenance and is named in the report: no node is left there silently.
//
// The plan and every node's step are in the store before they happen, so
// that a restart of gordon loses nothing: the upgrade it interrupted is
// announced and waits for "upgrade resume". The Upgrader speaks in the
// channel only through an Announcer, one line per batch and one summary.
//
// Everything outside (the fleet, Jenkins agents, maintenance, health,
// silences, the runner, the store) is reached through the small
// interfaces of deps.go, which gordon's main adapts.
package upgrade
