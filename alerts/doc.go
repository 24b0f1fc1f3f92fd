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
// The checks of a node in maintenance, and of a service in maintenance,
// change silently: an upgrade or a repair is not an incident. A node
// leaving maintenance is taken as passing, so a check still failing then
// is announced after its debounce.
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
// The engine keeps time through an injected clock and an explicit Tick,
// so that tests drive it without sleeping; Run is the loop that ticks on
// real time and keeps the node metadata fresh.
package alerts
