package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gordonbot/gordon/fleet/upgrade"
)

// UpgradePlanner works out upgrade plans and starts them.
type UpgradePlanner interface {
	// Plan works out a plan. Its errors are an *upgrade.RequestError, a
	// selector the fleet cannot answer (as for Inventory.List), or the
	// fleet's and Jenkins' own.
	Plan(ctx context.Context, r upgrade.Request) (upgrade.Plan, error)

	// Start stores the plan and starts rolling it. Its errors are
	// upgrade.ErrActive or upgrade.ErrNotReady (wrapped), an
	// *upgrade.RequestError, or the store's.
	Start(ctx context.Context, p upgrade.Plan, c upgrade.Confirmation) error
}

// UpgradeStatus says how the latest upgrade stands.
type UpgradeStatus interface {
	// Status's only error is upgrade.ErrNotReady, wrapped.
	Status() (upgrade.Status, error)
}

// UpgradeControl steers the upgrade under way. Each method returns one
// line for the person; errors are upgrade.ErrNotReady, ErrNoUpgrade,
// ErrNotPaused or ErrStopping (wrapped), or the store's.
type UpgradeControl interface {
	Pause(ctx context.Context, who string) (string, error)
	Resume(ctx context.Context, who string) (string, error)
	Abort(ctx context.Context, who string) (string, error)
}

// Upgrades is all the upgrade command needs. *upgrade.Upgrader
// implements it.
type Upgrades interface {
	UpgradePlanner
	UpgradeStatus
	UpgradeControl
}

// UpgradeCommand returns the upgrade command: a plan shown, then rolled
// once a maintainer confirms it through c; and status, pause, resume and
// abort of the upgrade under way. The target is a version, or rc or
// master, which the planner works out. A plan asked for by a schedule
// (see Caller.Schedule) starts without confirm: the schedule is the
// confirmation.
//
// Its role is anyone, since status is for anyone; everything else checks
// for a maintainer itself.
func UpgradeCommand(up Upgrades, c *Confirmer) Command {
	u := &upgradeCommand{up: up, confirm: c}
	return Command{
		Name: "upgrade",
		Usage: "<rc|master|version> [selectors] [--batch=N] [--canary=N] [--max-fail=N] [--dry-run] | " +
			"status | pause | resume | abort",
		Summary: "roll a version over the matching nodes, batch by batch, health-gated; or steer the upgrade under way",
		Role:    RoleAnyone,
		Action:  true,
		Reads:   upgradeReads,
		Run:     u.run,
	}
}

// upgradeReads reports whether an upgrade line only reads: status, or a
// dry run. Those are neither audited nor announced.
func upgradeReads(inv Invocation) bool {
	for i, t := range inv.Tokens {
		if t.Kind == TokenOption && t.Name == "dry-run" {
			return true
		}
		if i == 0 && t.Kind == TokenWord && strings.EqualFold(t.Text, "status") {
			return true
		}
	}
	return false
}

// upgradeCommand is the upgrade command with what it needs.
type upgradeCommand struct {
	up      Upgrades
	confirm *Confirmer
}

func (u *upgradeCommand) run(ctx context.Context, req *Request) error {
	toks := req.Inv.Tokens
	if len(toks) == 0 || toks[0].Kind != TokenWord || toks[0].Quoted {
		return Usagef("name rc, master or a version, or status, pause, resume or abort")
	}

	sub := strings.ToLower(toks[0].Text)
	switch sub {
	case "status":
		return u.status(req)
	case "pause", "resume", "abort":
		return u.control(ctx, req, sub)
	}
	return u.plan(ctx, req)
}

// mustMaintain refuses a caller who is not a maintainer.
func mustMaintain(req *Request, what string) error {
	if req.Caller.Role >= RoleMaintainer {
		return nil
	}
	return Userf("%s is for maintainers, and you are not recognised as one (see whoami)", what)
}

// status answers upgrade status.
func (u *upgradeCommand) status(req *Request) error {
	if len(req.Inv.Tokens) > 1 {
		return Usagef("upgrade status takes nothing more")
	}

	s, err := u.up.Status()
	if err != nil {
		return upgradeError(err)
	}
	req.ReplyLines(s.Lines()...)
	return nil
}

// control answers upgrade pause, resume and abort.
func (u *upgradeCommand) control(ctx context.Context, req *Request, sub string) error {
	if err := mustMaintain(req, "upgrade "+sub); err != nil {
		return err
	}
	if len(req.Inv.Tokens) > 1 {
		return Usagef("upgrade %s takes nothing more", sub)
	}

	steer := map[string]func(context.Context, string) (string, error){
		"pause": u.up.Pause, "resume": u.up.Resume, "abort": u.up.Abort,
	}
	line, err := steer[sub](ctx, req.Caller.Who())
	if err != nil {
		return upgradeError(err)
	}
	req.Reply("%s", line)
	return nil
}

// plan answers upgrade <target> ...: the plan, then a token to confirm
// it with, unless it is a dry run or there is nothing to do. A schedule
// gets no token: its plan starts at once.
func (u *upgradeCommand) plan(ctx context.Context, req *Request) error {
	if err := mustMaintain(req, "upgrade"); err != nil {
		return err
	}
	r, dry, err := parseUpgrade(req.Inv)
	if err != nil {
		return err
	}

	p, err := u.up.Plan(ctx, r)
	if err != nil {
		return upgradeError(err)
	}
	req.ReplyLines(p.Lines()...)
	switch {
	case p.Size() == 0:
		return nil
	case dry:
		req.Reply("dry run: nothing started")
		return nil
	}

	asker := req.Caller.Who()
	place := upgrade.Place{Target: req.Target, Private: req.Private}
	if schedule, ok := req.Caller.Schedule(); ok {
		c := upgrade.Confirmation{AskedBy: req.Caller.Name, ConfirmedBy: asker, Place: place}
		return u.start(ctx, req, p, c, "; the schedule "+schedule+" is its confirmation")
	}

	what := fmt.Sprintf("upgrade of %d %s to %s", p.Size(), plural(p.Size(), "node", "nodes"), p.Version)
	u.confirm.Ask(req, what, func(ctx context.Context, creq *Request) error {
		c := upgrade.Confirmation{AskedBy: asker, ConfirmedBy: creq.Caller.Who(), Place: place}
		return u.start(ctx, creq, p, c, "")
	})
	return nil
}

// start starts p, confirmed as c says, and tells req, ending the line
// with note.
func (u *upgradeCommand) start(ctx context.Context, req *Request, p upgrade.Plan, c upgrade.Confirmation,
	note string) error {
	if err := u.up.Start(ctx, p, c); err != nil {
		return upgradeError(err)
	}
	req.Reply("upgrade to %s started: %d %s in %d %s; progress %s%s", p.Version, p.Size(),
		plural(p.Size(), "node", "nodes"), len(p.Batches), plural(len(p.Batches), "batch", "batches"),
		progressPlace(c.Place), note)
	return nil
}

// progressPlace says where an upgrade's progress goes.
func progressPlace(p upgrade.Place) string {
	if p.Private {
		return "in private to " + p.Target
	}
	return "in " + p.Target
}

// parseUpgrade reads `<target> [selectors] [options]`. A bare word after
// the target is a node name or node-name glob.
func parseUpgrade(inv Invocation) (upgrade.Request, bool, error) {
	version := inv.Tokens[0].Text
	if _, err := upgrade.ParseVersion(version); err != nil && !upgrade.IsNamed(version) {
		return upgrade.Request{}, false, Usagef("%s", err.Error())
	}

	r := upgrade.Request{Version: version}
	var dry bool
	for _, t := range inv.Tokens[1:] {
		switch t.Kind {
		case TokenSelector:
			r.Selectors = append(r.Selectors, t.Selector)
		case TokenOption:
			if err := upgradeOption(t, &r, &dry); err != nil {
				return r, false, err
			}
		default:
			sel, err := nodeSelector(t)
			if err != nil {
				return r, false, err
			}
			r.Selectors = append(r.Selectors, sel)
		}
	}
	return r, dry, nil
}

// upgradeOption reads one option into r, or dry for --dry-run.
func upgradeOption(t Token, r *upgrade.Request, dry *bool) error {
	switch t.Name {
	case "dry-run":
		if t.HasValue {
			return Usagef("--dry-run takes no value")
		}
		*dry = true
		return nil
	case "batch", "canary", "max-fail":
	default:
		return Usagef("unknown option %s (upgrade takes --batch, --canary, --max-fail and --dry-run)", t.written())
	}

	n, err := strconv.Atoi(t.Value)
	if !t.HasValue || err != nil || n < 0 {
		return Usagef("--%s takes a number, as in --%s=2", t.Name, t.Name)
	}
	switch t.Name {
	case "batch":
		r.Batch = upgrade.CountOf(n)
	case "canary":
		r.Canary = upgrade.CountOf(n)
	default:
		r.MaxFail = upgrade.CountOf(n)
	}
	return nil
}

// upgradeError turns the errors a person can act on into a *UserError and
// leaves the others, such as Consul being unreachable, as they are.
func upgradeError(err error) error {
	var bad *upgrade.RequestError
	var source *upgrade.SourceError
	switch {
	case errors.As(err, &bad):
		return &UserError{Msg: bad.Reason}
	case errors.As(err, &source):
		// The source logged the cause whole; the person gets what went
		// wrong in a few words.
		return &UserError{Msg: fmt.Sprintf("cannot tell what %s is now: %s; nothing planned", source.Name,
			source.Brief)}
	case errors.Is(err, upgrade.ErrActive), errors.Is(err, upgrade.ErrNoUpgrade),
		errors.Is(err, upgrade.ErrNotPaused), errors.Is(err, upgrade.ErrStopping),
		errors.Is(err, upgrade.ErrNotReady):
		return &UserError{Msg: err.Error()}
	}
	return inventoryError(err)
}

// UpgradeAnnouncer says an upgrade's progress through Out, at the
// priority of announcements. It is the upgrade.Announcer of the chat side.
type UpgradeAnnouncer struct {
	Out Replier
}

var _ upgrade.Announcer = UpgradeAnnouncer{}

// Announce hands lines to Out for p.
func (a UpgradeAnnouncer) Announce(ctx context.Context, p upgrade.Place, lines ...string) error {
	return a.Out.Send(ctx, Reply{Target: p.Target, Private: p.Private, Priority: PriorityAnnounce, Lines: lines})
}
