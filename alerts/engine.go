package alerts

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
)

// Options wire an Engine.
type Options struct {
	// Config is the [alerts] section; New fills its defaults.
	Config Config

	// Meta maps the display names of selectors and lines to node-meta
	// keys (the [consul.meta] table); nil is fleet.DefaultMetaKeys.
	Meta fleet.MetaKeys

	// Facts gives every node's metadata, for route selectors and for
	// correlation; nil leaves lines without shared facts, and selectors
	// matching as for nodes without metadata.
	Facts Facts

	// Out takes the lines; the IRC session is one. Required.
	Out commands.Replier

	// Logger gets one line per alert reply and a warning per failure;
	// nil discards.
	Logger *slog.Logger

	// Registerer gets the metrics; nil leaves them unregistered.
	Registerer prometheus.Registerer

	// Silences gives the silences in force; nil is none.
	Silences Silences

	// Maint gives gordon's own maintenance records, which the engine
	// reads every few seconds; nil leaves only Consul's maintenance.
	Maint MaintRecords

	// State keeps what was announced across a restart; nil makes every
	// start a new baseline.
	State StateStore

	// Location is the zone of the times lines show; nil is UTC.
	Location *time.Location

	// Now is the clock snapshots are stamped with; nil is time.Now.
	Now func() time.Time
}

// Engine turns health snapshots into alert lines. Observe may be called
// from any goroutine; Tick sends what is due, and Run ticks on real time.
type Engine struct {
	cfg      Config
	out      commands.Replier
	source   Facts
	keys     fleet.MetaKeys
	names    []string
	routes   []route
	targets  []target
	silences Silences
	records  MaintRecords
	state    StateStore
	loc      *time.Location
	log      *slog.Logger
	metrics  *metrics
	now      func() time.Time

	// wake asks Run to tick: a snapshot came in, or something kept quiet
	// changed. stale asks it to reload the facts: a snapshot named a node
	// they do not know.
	wake  chan struct{}
	stale chan struct{}

	mu      sync.Mutex
	tracker *tracker
	started bool
	summary string    // the baseline line, until it is sent
	group   []event   // the events of the open group window
	groupAt time.Time // when the open window started
	facts   *facts

	// loaded is set once Load has run; until then snapshots wait in held,
	// the newest only.
	loaded  bool
	held    consul.Snapshot
	holding bool

	// last is the snapshot last taken in, taken in again when what keeps
	// checks quiet changes; requiet says it did.
	last    consul.Snapshot
	quiet   *quietSet
	requiet bool

	// outages are the dependencies failing now, by name; outageLines the
	// lines about them waiting to be sent.
	outages     map[string]*outage
	outageLines []string

	// saveMu guards lastSaved, the state last written.
	saveMu    sync.Mutex
	lastSaved []byte
}

// New returns an engine that has seen nothing yet. It fills the config's
// defaults and validates it, selector keys included; its error holds
// config.Problems.
func New(opts Options) (*Engine, error) {
	cfg := opts.Config
	cfg.Defaults()
	keys := opts.Meta
	if keys == nil {
		keys = fleet.DefaultMetaKeys()
	}
	if err := errors.Join(cfg.Validate(), cfg.CheckMeta(keys)); err != nil {
		return nil, fmt.Errorf("alerts config: %w", err)
	}
	if opts.Out == nil {
		return nil, errors.New("alerts: Out is required")
	}

	routes, targets, err := compileRoutes(cfg)
	if err != nil {
		return nil, fmt.Errorf("alerts config: %w", err)
	}

	m := newMetrics(opts.Registerer)
	q := newQuietSet()
	e := &Engine{
		cfg: cfg, out: opts.Out, source: opts.Facts, keys: keys, names: keys.Names(),
		routes: routes, targets: targets, silences: opts.Silences, records: opts.Maint, state: opts.State,
		loc: opts.Location, log: opts.Logger, metrics: m, now: opts.Now,
		wake: make(chan struct{}, 1), stale: make(chan struct{}, 1),
		tracker: newTracker(cfg, m, q), quiet: q, outages: map[string]*outage{},
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.loc == nil {
		e.loc = time.UTC
	}

	// With nothing to read first, the engine takes snapshots in at once.
	e.loaded = e.silences == nil && e.records == nil && e.state == nil
	return e, nil
}

// Observe takes in a snapshot of every health check, stamped with the
// engine's clock; its checks must be sorted by node, as the watch sorts
// them. The first snapshot is the baseline, or, after a restart, is
// compared with what was announced before. Snapshots that come before
// Load has run wait for it, the newest only. Observe does no I/O and
// returns at once; its method value suits consul.HealthWatch.Run.
//
// It takes the watch's snapshot as it is, rather than a type of this
// package: the snapshot is already sorted by node and shared read-only,
// and a copy into another type would allocate every check of a large
// fleet on each change, for nothing.
func (e *Engine) Observe(snap consul.Snapshot) {
	now := e.now()

	e.mu.Lock()
	if !e.loaded {
		e.held, e.holding = snap, true
		e.mu.Unlock()
		return
	}
	unknown := e.observeLocked(snap, now)
	e.mu.Unlock()

	signal(e.wake)
	if unknown {
		signal(e.stale)
	}
}

// observeLocked takes snap in at now, and reports whether it names nodes
// the facts lack.
func (e *Engine) observeLocked(snap consul.Snapshot, now time.Time) bool {
	e.requietLocked(now)
	if !e.started {
		e.started = true
		e.tracker.resuming = e.tracker.saved != nil
		e.tracker.baseline = !e.tracker.resuming
		e.summary = summarize(snap).line(e.tracker.resuming)
		e.log.Info("alerts started", keyResumed, e.tracker.resuming, keyChecks, len(snap.Checks))
	}

	e.last = snap
	e.tracker.observe(snap, now)
	e.tracker.baseline, e.tracker.resuming, e.tracker.saved = false, false, nil
	return e.unknownLocked(e.tracker.takeFresh())
}

// unknownLocked reports whether the facts lack any of nodes.
func (e *Engine) unknownLocked(nodes []string) bool {
	if e.source == nil {
		return false
	}
	return slices.ContainsFunc(nodes, func(n string) bool { return !e.facts.knows(n) })
}

// signal leaves a token in ch unless one waits there already.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// RefreshFacts reloads every node's metadata from the Facts source. On
// error the engine keeps the metadata it had; the error wraps the
// source's.
func (e *Engine) RefreshFacts(ctx context.Context) error {
	if e.source == nil {
		return nil
	}

	meta, err := e.source.NodeMeta(ctx)
	if err != nil {
		return fmt.Errorf("refresh node metadata: %w", err)
	}
	f := newFacts(meta, e.keys)

	e.mu.Lock()
	e.facts = f
	e.mu.Unlock()
	return nil
}

// Next returns when Tick next has something to do, and false when
// nothing is waiting. A time in the past means at once.
func (e *Engine) Next() (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()

	if e.summary != "" || len(e.tracker.out) > 0 || len(e.outageLines) > 0 || e.requiet {
		return time.Time{}, true
	}

	var next time.Time
	add := func(at time.Time, ok bool) {
		if ok {
			next = earliest(next, at)
		}
	}
	add(e.tracker.next())
	add(e.tracker.nextReminder())
	add(e.nextOutageLocked())
	add(e.quiet.ends, !e.quiet.ends.IsZero())
	add(e.groupAt.Add(e.cfg.GroupWindow.D()), len(e.group) > 0)
	return next, !next.IsZero()
}

// Tick sends what is due at now: the baseline summary, then, once the
// group window that the first due change opened has passed, one line per
// kind of change and check for each target. It returns the errors of
// Out, joined; the lines it refused are lost, since the chat side only
// refuses when it is closing.
func (e *Engine) Tick(ctx context.Context, now time.Time) error {
	e.mu.Lock()
	summary := e.summary
	e.summary = ""
	if e.requietLocked(now) && e.started {
		e.tracker.observe(e.last, now)
	}
	e.tracker.due(now)
	e.tracker.remindDue(now)
	e.gatherLocked()
	var batch []event
	if len(e.group) > 0 && !now.Before(e.groupAt.Add(e.cfg.GroupWindow.D())) {
		batch, e.group = e.group, nil
	}
	outages := e.outagesDueLocked(now)
	f := e.facts
	e.mu.Unlock()

	var errs []error
	if summary != "" {
		errs = append(errs, e.sendDefault(ctx, []string{summary}, kindBaseline))
	}
	if len(outages) > 0 {
		errs = append(errs, e.sendDefault(ctx, outages, kindOutage))
	}
	if len(batch) > 0 {
		errs = append(errs, e.flush(ctx, batch, f)...)
	}
	return errors.Join(errs...)
}

// sendDefault sends lines of one kind to the default channel.
func (e *Engine) sendDefault(ctx context.Context, lines []string, kind string) error {
	r := commands.Reply{Target: e.targets[0].name, Priority: commands.PriorityAlert, Lines: lines}
	kinds := make([]string, len(lines))
	for i := range kinds {
		kinds[i] = kind
	}
	return e.send(ctx, r, kinds, 0)
}

// gatherLocked moves the tracker's events into the group window, opening
// it at the earliest of them when none is open.
func (e *Engine) gatherLocked() {
	evs := e.tracker.takeEvents()
	if len(evs) == 0 {
		return
	}

	first := slices.MinFunc(evs, func(a, b event) int { return a.at.Compare(b.at) }).at
	if len(e.group) == 0 || first.Before(e.groupAt) {
		e.groupAt = first
	}
	e.group = append(e.group, evs...)
}

// flush routes the events of a closed group window, and sends each
// target its lines.
func (e *Engine) flush(ctx context.Context, batch []event, f *facts) []error {
	slices.SortFunc(batch, func(a, b event) int {
		return cmp.Or(compareNodes(a.node, b.node), strings.Compare(a.checkID, b.checkID))
	})
	e.count(batch)
	for _, ev := range batch {
		e.log.Debug("alert transition", keyNode, ev.node, keyCheck, ev.check, keyKind, ev.kind.String(),
			keyStatus, ev.status, keyDelay, e.now().Sub(ev.at))
	}

	fm := formatter{facts: f, names: e.names, flapWindow: e.cfg.FlapWindow.D()}
	var errs []error
	for i, evs := range routeEvents(e.routes, len(e.targets), batch, f) {
		if len(evs) == 0 {
			continue
		}
		t := e.targets[i]
		lines, kinds := fm.lines(clusters(evs))
		r := commands.Reply{Target: t.name, Private: t.private, Priority: commands.PriorityAlert, Lines: lines}
		errs = append(errs, e.send(ctx, r, kinds, len(evs)))
	}
	return errs
}

// count records the transitions of a closed window, and those that share
// a line with others.
func (e *Engine) count(batch []event) {
	for _, c := range clusters(batch) {
		e.metrics.transitions.WithLabelValues(c.key.kind.String()).Add(float64(len(c.events)))
		if len(c.events) > 1 {
			e.metrics.grouped.Add(float64(len(c.events)))
		}
	}
}

// send hands one reply to Out, and counts and logs it; kinds are the
// kinds of its lines.
func (e *Engine) send(ctx context.Context, r commands.Reply, kinds []string, events int) error {
	if err := e.out.Send(ctx, r); err != nil {
		e.metrics.sendErrors.Inc()
		return fmt.Errorf("send alert to %s: %w", r.Target, err)
	}

	for _, k := range kinds {
		e.metrics.sent.WithLabelValues(k).Inc()
	}
	e.log.Info("alert sent", keyTarget, r.Target, keyKind, kinds[0], keyLines, len(r.Lines), keyEvents, events)
	return nil
}
