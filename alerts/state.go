package alerts

import (
	"slices"
	"time"

	"github.com/gordonbot/gordon/integrations/consul"
)

// checkKey names one check of one node.
type checkKey struct {
	node, id string
}

// checkState is what the tracker knows of one check.
type checkState struct {
	key      checkKey
	name     string // shown in lines: the check's name, or its ID
	service  string
	debounce time.Duration

	// status is the state last observed, since when it was first seen.
	status string
	since  time.Time

	// announced is the state people were last told of, or that was taken
	// silently (the baseline, maintenance). A check is pending while
	// status differs from it.
	announced string

	output string

	// failedAt is when the check left passing, zero while it passes;
	// failedLonger says it was failing already when watching began.
	failedAt     time.Time
	failedLonger bool

	// changes are the times of the changes within the last flap window.
	changes []time.Time

	// flapping is set once the check changed too often; worst is the
	// most pressing state it passed through since.
	flapping bool
	worst    string

	// hush is why the check is kept quiet now: maintenance (of its node
	// or its service, in Consul or in gordon's record), an upgrade, or a
	// silence. told is the state people had been told of when the quiet
	// began, for what the end of a silence says.
	hush cause
	told string

	// note marks a pending state whose change gordon did not see happen:
	// noteAtStart, noteResync; empty otherwise.
	note string

	// remindAt is when the next reminder of a check announced critical
	// is due; zero when none is.
	remindAt time.Time

	// gen is the generation of the last snapshot that held the check.
	gen uint64
}

// tracker follows every check through the snapshots and turns the
// changes that hold into events. It is not safe for concurrent use: the
// engine guards it.
type tracker struct {
	cfg     Config
	metrics *metrics

	checks  map[checkKey]*checkState
	pending map[*checkState]struct{}

	// gen counts snapshots, to find the checks a snapshot no longer has.
	gen uint64

	// baseline is set while the first snapshot is taken in; resuming
	// instead, when the engine starts again from saved: the first
	// snapshot is then compared with what was announced before.
	baseline bool
	resuming bool
	saved    map[checkKey]savedCheck

	// resyncUntil is the end of the time after a Consul outage when the
	// changes found happened at a time gordon does not know, and checks
	// missing from a snapshot may come back as Consul fills in again.
	resyncUntil time.Time

	// quiet is what keeps checks quiet besides Consul's maintenance; the
	// engine owns it.
	quiet *quietSet

	// reminders holds the checks that may need a reminder; remind is
	// their interval, 0 for none.
	reminders map[*checkState]struct{}
	remind    time.Duration

	// out gathers events until the engine takes them.
	out []event

	// fresh gathers the nodes whose checks were first seen, so that the
	// engine can tell whether it knows their metadata.
	fresh []string
}

func newTracker(cfg Config, m *metrics, q *quietSet) *tracker {
	return &tracker{cfg: cfg, metrics: m, quiet: q, checks: map[checkKey]*checkState{},
		pending: map[*checkState]struct{}{}, reminders: map[*checkState]struct{}{}, remind: cfg.Remind.D()}
}

// observe takes in a snapshot seen at now. Its checks are sorted by node,
// so each node's checks are taken in together, with its maintenance.
func (t *tracker) observe(snap consul.Snapshot, now time.Time) {
	t.gen++
	seen := 0
	cs := snap.Checks
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].Node == cs[i].Node {
			j++
		}
		seen += t.observeNode(cs[i:j], now)
		i = j
	}

	if seen < len(t.checks) && !t.resyncing(now) {
		t.sweep()
	}
}

// resyncing reports whether a change seen at now may have happened
// during a Consul outage.
func (t *tracker) resyncing(now time.Time) bool {
	return now.Before(t.resyncUntil)
}

// observeNode takes in the checks of one node and returns how many it
// follows. Maintenance checks are not followed: they say which of the
// node's checks are quiet.
func (t *tracker) observeNode(cs []consul.HealthCheck, now time.Time) int {
	nodeMaint, services := maintenance(cs)
	nodeQuiet := t.quiet.node(cs[0].Node, nodeMaint)
	n := 0
	for i := range cs {
		c := &cs[i]
		if c.Status == consul.StatusMaintenance {
			continue
		}
		n++

		why := t.causeOf(c, nodeQuiet, services)
		st := t.checks[checkKey{c.Node, c.ID}]
		if st == nil {
			t.add(c, why, now)
			continue
		}
		st.gen = t.gen
		st.output = c.Output
		t.update(st, c.Status, why, now)
	}
	return n
}

// causeOf returns why a check is quiet: its node's cause, else its
// service in maintenance, else a silence.
func (t *tracker) causeOf(c *consul.HealthCheck, node cause, services []string) cause {
	switch {
	case !node.none():
		return node
	case c.ServiceID != "" && slices.Contains(services, c.ServiceID):
		return cause{reason: reasonMaintenance}
	}
	return t.quiet.check(c.Node, c.Name, c.ID)
}

// maintenance reports whether a node's checks hold its maintenance
// check, and the IDs of its services in maintenance. gordon's own
// records are the quiet set's.
func maintenance(cs []consul.HealthCheck) (node bool, services []string) {
	for _, c := range cs {
		switch {
		case c.Status != consul.StatusMaintenance:
		case c.ID == consul.NodeMaintenanceCheckID || c.ServiceID == "":
			node = true
		default:
			services = append(services, c.ServiceID)
		}
	}
	return node, services
}

// sweep forgets the checks the last snapshot did not hold: a node or a
// check taken out of the catalog is gone, not failing.
func (t *tracker) sweep() {
	for k, st := range t.checks {
		if st.gen != t.gen {
			delete(t.checks, k)
			delete(t.pending, st)
			delete(t.reminders, st)
		}
	}
}

// add starts following a check. In the baseline its state is taken as
// it is. On resuming, it is compared with what was announced before the
// restart, a check not saved having been announced passing. A check that
// appears later is taken to have been passing, so that a new node failing
// is announced. A quiet check's state is taken as it is, always.
func (t *tracker) add(c *consul.HealthCheck, why cause, now time.Time) {
	st := &checkState{
		key:       checkKey{c.Node, c.ID},
		name:      c.Name,
		service:   c.ServiceName,
		debounce:  t.cfg.debounceFor(c.Name, c.ID, c.ServiceName),
		status:    c.Status,
		since:     now,
		announced: consul.StatusPassing,
		output:    c.Output,
		gen:       t.gen,
	}
	if st.name == "" {
		st.name = c.ID
	}
	if c.Status != consul.StatusPassing {
		st.failedAt, st.failedLonger = now, true
	}
	t.startFrom(st, now)

	st.told = st.announced
	if t.baseline || !why.none() {
		st.announced, st.hush = c.Status, why
	}

	t.checks[st.key] = st
	if st.status != st.announced {
		t.pending[st] = struct{}{}
	} else {
		st.note = ""
	}
	t.remindLater(st, now)
	if n := len(t.fresh); n == 0 || t.fresh[n-1] != c.Node {
		t.fresh = append(t.fresh, c.Node)
	}
}

// startFrom sets what people were told of a check that was not followed
// yet: on resuming, what was saved; after a Consul outage, passing as for
// any new check, with the change marked as one of unknown time.
func (t *tracker) startFrom(st *checkState, now time.Time) {
	switch {
	case t.resuming:
		if saved, ok := t.saved[st.key]; ok {
			st.announced = saved.Status
			if !saved.FailedAt.IsZero() {
				st.failedAt, st.failedLonger = saved.FailedAt, saved.Longer
			}
		}
		st.note = noteAtStart
	case t.baseline:
	case t.resyncing(now):
		st.note = noteResync
	default:
		st.failedLonger = false
	}
}

// update takes in a check's state from a snapshot.
//
// TODO: a node that is down (serfHealth critical) keeps announcing its
// other checks, which Consul stops updating but a catalog registration
// may still change; folding them into the "node down" line would save
// lines in an outage.
func (t *tracker) update(st *checkState, status string, why cause, now time.Time) {
	switch {
	case !why.none():
		t.hushed(st, status, why, now)
	case !st.hush.none():
		t.unhushed(st, status, now)
	case status != st.status:
		t.change(st, status, now)
	}
}

// change takes in a new state of a followed check: it counts towards
// flapping, and becomes pending unless it is the announced state again.
func (t *tracker) change(st *checkState, status string, now time.Time) {
	prev := st.status
	st.status, st.since = status, now
	st.note = ""
	if t.resyncing(now) {
		st.note = noteResync
	}
	if status != consul.StatusPassing && st.failedAt.IsZero() {
		st.failedAt = now
	}
	st.changes = append(recent(st.changes, now.Add(-t.cfg.FlapWindow.D())), now)
	if extra := len(st.changes) - t.cfg.FlapChanges - 1; extra > 0 {
		// Telling flapping needs one change more than the limit, no more:
		// a check flipping all day keeps a short list.
		st.changes = append(st.changes[:0], st.changes[extra:]...)
	}

	switch {
	case st.flapping:
		st.worst = worse(st.worst, status)
		t.metrics.suppressed.WithLabelValues(reasonFlapping).Inc()
		return
	case len(st.changes) > t.cfg.FlapChanges:
		t.startFlapping(st, prev, now)
		return
	}

	if prev != st.announced {
		t.metrics.debounced.Inc()
	}
	if status != st.announced {
		t.pending[st] = struct{}{}
		return
	}

	delete(t.pending, st)
	if status == consul.StatusPassing {
		st.failedAt, st.failedLonger = time.Time{}, false
	}
}

// recent drops the times before since; times are in order.
func recent(times []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(times) && times[i].Before(since) {
		i++
	}
	return append(times[:0], times[i:]...)
}

// startFlapping announces at once that a check flaps, and keeps it
// pending until it holds still.
func (t *tracker) startFlapping(st *checkState, prev string, now time.Time) {
	st.flapping = true
	st.worst = worse(worse(st.announced, prev), st.status)
	t.pending[st] = struct{}{}

	ev := st.event(kindFlapping, now)
	ev.severity = severityOfStatus(st.worst)
	ev.changes = len(st.changes)
	t.out = append(t.out, ev)
}

// due turns into events the pending checks whose state has held long
// enough at now: for its debounce time, or for a flap window after
// flapping.
func (t *tracker) due(now time.Time) {
	for st := range t.pending {
		at := t.dueAt(st)
		if at.After(now) {
			continue
		}
		if st.flapping {
			t.settle(st, at)
		} else {
			t.announce(st, at)
		}
	}
}

// dueAt returns when a pending check's state will have held long enough.
func (t *tracker) dueAt(st *checkState) time.Time {
	if st.flapping {
		return st.since.Add(t.cfg.FlapWindow.D())
	}
	return st.since.Add(st.debounce)
}

// next returns the earliest time a pending check falls due, and false
// when none is pending.
func (t *tracker) next() (time.Time, bool) {
	var first time.Time
	for st := range t.pending {
		if at := t.dueAt(st); first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first, !first.IsZero()
}

// announce makes the event of a check whose new state held.
func (t *tracker) announce(st *checkState, at time.Time) {
	k := transitionKind(st.key.id, st.status)
	ev := st.event(k, at)
	ev.severity = severityOf(k, st.announced, st.status)
	ev.note, st.note = st.note, ""
	if st.status == consul.StatusPassing {
		ev.failed, ev.failedLonger = st.failedFor(st.since)
		st.failedAt, st.failedLonger = time.Time{}, false
	}

	st.announced = st.status
	delete(t.pending, st)
	t.remindLater(st, at)
	t.out = append(t.out, ev)
}

// settle makes the event of a flapping check that held still.
func (t *tracker) settle(st *checkState, at time.Time) {
	ev := st.event(kindSettled, at)
	ev.severity = severityOfStatus(st.worst)
	if st.status == consul.StatusPassing {
		st.failedAt, st.failedLonger = time.Time{}, false
	}

	st.announced = st.status
	st.flapping, st.changes = false, st.changes[:0]
	delete(t.pending, st)
	t.remindLater(st, at)
	t.out = append(t.out, ev)
}

// event returns an event of kind k about st, at.
func (st *checkState) event(k kind, at time.Time) event {
	return event{
		kind: k, at: at,
		node: st.key.node, checkID: st.key.id, check: st.name, service: st.service,
		status: st.status, output: st.output,
	}
}

// failedFor returns how long the check had failed when it recovered at
// end, and whether it failed longer than that.
func (st *checkState) failedFor(end time.Time) (time.Duration, bool) {
	if st.failedAt.IsZero() {
		return 0, false
	}
	return end.Sub(st.failedAt), st.failedLonger
}

// takeEvents returns the events gathered, and forgets them.
func (t *tracker) takeEvents() []event {
	evs := t.out
	t.out = nil
	return evs
}

// takeFresh returns the nodes first seen since the last call, and forgets
// them.
func (t *tracker) takeFresh() []string {
	fresh := t.fresh
	t.fresh = nil
	return fresh
}
