// Package alerts turns Consul health changes into few, grouped,
// correlated lines on IRC.
//
// An Engine is handed every snapshot of the catalog's health checks
// (Observe; the consul health watch delivers them) and follows each check
// of each node. The first snapshot is the baseline: it is announced once,
// in the default channel, as a one-line summary ("watching 48 nodes, 2
// critical (dm-1, dm-2)"), and never replayed as a burst of transitions.
//
// After that, a check's new state must hold for its debounce time (30 s by
// default, overridable per check name and per service) before it is
// announced; a blip shorter than that is dropped and counted. A check that
// changes more than flap_changes times within flap_window is announced
// once as flapping, then kept quiet until it has held one state for a
// whole flap_window, when one line says where it settled. Consul's node
// health check (serfHealth) going critical is announced as "node down".
//
// Some checks change silently, each change counted as suppressed with
// its reason: those of a node in maintenance, in Consul or only in
// gordon's own record (a node whose agent gordon could not reach), and
// of a service in maintenance; those of a node being upgraded (Quiet,
// which the fleet upgrade calls before it touches a node, and Unquiet);
// and those a silence covers (the silence commands keep silences in a
// SilenceBook, which the engine reads without I/O). An upgrade or a
// repair is not an incident. A node leaving maintenance or an upgrade is
// taken as passing, so a check still failing then is announced after its
// debounce. When a silence ends, by its time or by unsilence, one line
// names its checks still failing ("silence 4 ended: 3 nodes still
// critical on docker-daemon: ..."), and one more those that recovered
// meanwhile after people were told they failed.
//
// With remind set, a check that stays critical is announced again every
// remind ("reminder: 2 nodes critical on docker-daemon for 4h: ...").
//
// Transitions that fall due within one group window (2 s by default)
// become one line per kind of change and check, per target, naming the
// nodes and the node metadata they share, or hold far more often than the
// fleet does ("9 nodes critical on docker-daemon, all storage=devmapper,
// 8/9 kernel=3.19*: dm-1, ... and 4 more"). A recovery says how long the
// check was failing. Check output is redacted with the fleet's redactor
// before it reaches a line.
//
// Routes ([[alerts.routes]]) pick transitions by node selectors, check
// name globs, services and severities, and send them to a channel or to a
// person in private. A transition that no channel route takes goes to the
// default channel; private routes add a copy and never take a transition
// away from the channels.
//
// What was announced of each check is saved in the store every few
// seconds and when the engine stops. After a restart the first snapshot
// is compared with it rather than taken as a baseline: nothing
// announced before is said again ("resumed watching 48 nodes, 2
// critical"), and a change that happened while gordon was down is
// announced once, marked "(seen at start)". A crash loses at most the
// last few seconds of it, which are then said again.
//
// Consul failing to answer the health watch (Unreachable, Reachable) is
// one line once it has lasted unreachable_after ("consul unreachable since
// 14:03 UTC (...)") and one when it is back ("consul back after 3m").
// For a while after that, changes are marked "(after the consul outage)",
// since no snapshot says when they happened, and checks missing from the
// snapshots are kept, as Consul fills in again; grouping keeps them to a
// few lines. Jenkins is probed (Probe) and announced the same way.
//
// The engine keeps time through an injected clock and an explicit Tick,
// so that tests drive it without sleeping; Run is the loop that ticks on
// real time, keeps the node metadata and gordon's maintenance records
// fresh, and saves what was announced.
package alerts
