package upgrade

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Options wire an Upgrader.
type Options struct {
	Config Config

	Fleet       Fleet
	Maintenance Maintenance
	Health      Health
	Runner      Runner
	Store       Store

	// Agents and Control reach Jenkins; both nil when gordon runs
	// without it, and then no agent is taken offline.
	Agents  AgentLister
	Control AgentControl

	// Silencer is optional.
	Silencer Silencer

	// Versions works out "rc" and "master"; nil leaves only explicit
	// versions.
	Versions VersionSource

	Logger *slog.Logger

	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Upgrader plans upgrades and rolls them, one at a time. Plan, Start,
// Status and the controls are safe to call from any goroutine; the
// rolling itself happens in Run.
type Upgrader struct {
	cfg      Config
	fleet    Fleet
	maint    Maintenance
	health   Health
	runner   Runner
	agents   AgentLister
	control  AgentControl
	silencer Silencer
	versions VersionSource
	book     book
	log      *slog.Logger
	now      func() time.Time

	// wake tells Run that there is rolling to do.
	wake chan struct{}

	mu       sync.Mutex
	ready    bool
	loadErr  error
	starting bool // a Start is storing its plan
	plan     Plan // the latest upgrade's; its ID is empty when none ever ran
	st       state
	nodes    map[string]nodeRecord // the latest upgrade's, by node
	pauseBy  string                // who asked to pause after the batch in flight
	abortBy  string                // who asked to abort after the batch in flight
}

// New returns an Upgrader. Config is given defaults and validated;
// Fleet, Maintenance, Health, Runner and Store are required.
func New(opts Options) (*Upgrader, error) {
	opts.Config.Defaults()
	if err := opts.Config.Validate(); err != nil {
		return nil, fmt.Errorf("upgrade config: %w", err)
	}
	if opts.Fleet == nil || opts.Maintenance == nil || opts.Health == nil || opts.Runner == nil || opts.Store == nil {
		return nil, errors.New("upgrade: fleet, maintenance, health, runner and store are required")
	}
	if (opts.Agents == nil) != (opts.Control == nil) {
		return nil, errors.New("upgrade: give both jenkins agents and their control, or neither")
	}

	u := &Upgrader{
		cfg: opts.Config, fleet: opts.Fleet, maint: opts.Maintenance, health: opts.Health,
		runner: opts.Runner, agents: opts.Agents, control: opts.Control, silencer: opts.Silencer,
		versions: opts.Versions, book: book{kv: opts.Store}, log: opts.Logger, now: opts.Now,
		wake: make(chan struct{}, 1), nodes: map[string]nodeRecord{},
	}
	if u.log == nil {
		u.log = slog.Default()
	}
	if u.now == nil {
		u.now = time.Now
	}
	return u, nil
}

// Plan works out the plan for req from what the fleet and Jenkins say
// now; see Make. A named target ("rc", "master") is worked out first,
// through the VersionSource. Its errors are a *RequestError for a
// request that cannot be planned, a *SourceError when the target could
// not be worked out, the Fleet's selector errors, or the Fleet's and
// Jenkins' own, wrapped.
func (u *Upgrader) Plan(ctx context.Context, req Request) (Plan, error) {
	limits, err := limitsFor(req, u.cfg)
	if err != nil {
		return Plan{}, err
	}
	named, target, err := u.resolve(ctx, req.Version)
	if err != nil {
		return Plan{}, err
	}

	nodes, err := u.fleet.Select(ctx, req.Selectors)
	if err != nil {
		return Plan{}, fmt.Errorf("select nodes: %w", err)
	}
	var agents []Agent
	if u.agents != nil {
		if agents, err = u.agents.Agents(ctx); err != nil {
			return Plan{}, fmt.Errorf("list jenkins agents: %w", err)
		}
	}

	p := Make(Params{Version: target.Version, URL: target.URL, Limits: limits, VersionMeta: u.cfg.VersionMeta},
		nodes, agents)
	p.Named, p.From = named, target.From
	p.Made = u.now()
	p.ID = newPlanID(p.Made)
	p.Selectors = req.Selectors.String()
	return p, nil
}

// newPlanID names a plan by when it was made, with a random suffix.
func newPlanID(t time.Time) string {
	b := make([]byte, 3)
	rand.Read(b)
	return t.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

// Confirmation is who let a plan go, and where its progress is said.
type Confirmation struct {
	AskedBy     string
	ConfirmedBy string
	Place       Place
}

// Start stores p as the upgrade under way and has Run roll it; it
// returns once the plan is stored, before any node is touched. Errors:
// ErrNotReady, ErrActive (wrapped, naming the upgrade under way), a
// *RequestError for a plan with no node, or the store's.
func (u *Upgrader) Start(ctx context.Context, p Plan, c Confirmation) error {
	if p.Size() == 0 {
		return &RequestError{Reason: "the plan upgrades no node"}
	}
	if err := u.reserve(); err != nil {
		return err
	}

	st := state{Plan: p.ID, Phase: PhaseRunning, AskedBy: c.AskedBy, ConfirmedBy: c.ConfirmedBy,
		Place: c.Place, Started: u.now()}
	err := u.book.start(ctx, p, st)

	u.mu.Lock()
	u.starting = false
	if err == nil {
		u.plan, u.st, u.nodes = p, st, map[string]nodeRecord{}
		u.pauseBy, u.abortBy = "", ""
	}
	u.mu.Unlock()
	if err != nil {
		return err
	}

	u.log.Info("upgrade started", keyPlan, p.ID, keyVersion, p.Version, keyWho, c.ConfirmedBy,
		keyBatch, len(p.Batches))
	u.poke()
	return nil
}

// reserve makes sure no other upgrade is under way or starting, and
// marks one as starting.
func (u *Upgrader) reserve() error {
	u.mu.Lock()
	defer u.mu.Unlock()

	if err := u.usableLocked(); err != nil {
		return err
	}
	if u.starting || u.st.Phase.Active() {
		return fmt.Errorf("%w (to %s; see upgrade status)", ErrActive, u.plan.Version)
	}
	u.starting = true
	return nil
}

// usableLocked returns ErrNotReady until Run has read the records, and
// with the reason when it could not.
func (u *Upgrader) usableLocked() error {
	switch {
	case !u.ready:
		return ErrNotReady
	case u.loadErr != nil:
		return fmt.Errorf("%w: %w", ErrNotReady, u.loadErr)
	}
	return nil
}

// poke wakes Run without waiting.
func (u *Upgrader) poke() {
	select {
	case u.wake <- struct{}{}:
	default:
	}
}
