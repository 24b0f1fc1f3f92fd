package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gordonbot/gordon/fleet"
)

// maxSilenceReason is the longest reason silence takes, in characters,
// as for maint.
const maxSilenceReason = 200

// checkKey is the selector key that picks checks rather than nodes:
// check=docker-daemon, check=disk*.
const checkKey = "check"

// Log keys of the silence commands, beside those of logkeys.go.
const (
	keySilence = "silence"
	keyNodes   = "nodes"
	keyUntil   = "until"
)

// ErrNoSilence means that no silence in force has the ID asked for.
var ErrNoSilence = errors.New("no such silence")

// Silence mutes the alerts of some checks of some nodes for a while.
type Silence struct {
	// ID names the silence for unsilence; the keeper gives it.
	ID string `json:"id"`

	// Match is what the person wrote to pick the checks, selectors and
	// check=NAME, as listings show it.
	Match string `json:"match"`

	// Nodes are the nodes the selectors matched when the silence was
	// made, which is what the person saw and confirmed; empty means
	// every node, present and future, when only a check was named.
	Nodes []string `json:"nodes,omitempty"`

	// Check is a glob over a check's name or ID; empty means every check
	// of the nodes.
	Check string `json:"check,omitempty"`

	// Who asked, as Caller.Who names them, and why; the reason may be
	// empty.
	Who    string `json:"who"`
	Reason string `json:"reason,omitempty"`

	Start time.Time `json:"start"`
	Until time.Time `json:"until"`
}

// Silencer keeps silences. The alerts' silence book implements it.
type Silencer interface {
	// AddSilence stores s durably with a new ID and returns it as
	// stored. An error means nothing was stored.
	AddSilence(ctx context.Context, s Silence) (Silence, error)

	// Silences returns the silences in force at now, the soonest to end
	// first. Its errors are the store's.
	Silences(ctx context.Context, now time.Time) ([]Silence, error)

	// EndSilence ends the silence id at once and returns it. It returns
	// an error wrapping ErrNoSilence when no silence in force has that
	// ID, and the store's errors.
	EndSilence(ctx context.Context, id string) (Silence, error)
}

// SilenceOptions wire silence, silences and unsilence. Nodes, Silences
// and Confirm are required.
type SilenceOptions struct {
	Nodes    NodeSelector
	Silences Silencer
	Confirm  *Confirmer

	// Location is the zone times are shown in; nil is UTC.
	Location *time.Location

	// Logger gets a line for each silence made or ended; nil means
	// slog.Default().
	Logger *slog.Logger
}

// silencer is the silence commands with what they act on.
type silencer struct {
	SilenceOptions
	now func() time.Time
}

// SilenceCommands returns silence, silences and unsilence. It panics
// when a required option is missing, as Register does for an incomplete
// command.
func SilenceCommands(opts SilenceOptions) []Command {
	if opts.Nodes == nil || opts.Silences == nil || opts.Confirm == nil {
		panic("commands: silence needs Nodes, Silences and Confirm")
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}

	s := &silencer{SilenceOptions: opts, now: time.Now}
	return s.commands()
}

// commands returns the three commands over s.
func (s *silencer) commands() []Command {
	return []Command{
		{
			Name:    "silence",
			Usage:   "<selectors or check=NAME> <duration> [reason]",
			Summary: "mute the alerts of nodes or checks for a while",
			Role:    RoleMaintainer,
			Action:  true,
			Run:     s.silence,
		},
		{
			Name:    "silences",
			Summary: "list the silences in force",
			Role:    RoleAnyone,
			Run:     s.list,
		},
		{
			Name:    "unsilence",
			Usage:   "<id>",
			Summary: "end a silence before its time",
			Role:    RoleMaintainer,
			Action:  true,
			Run:     s.unsilence,
		},
	}
}

// silenceRequest is a parsed silence command line.
type silenceRequest struct {
	sels   fleet.Selectors // the node selectors
	check  string          // the check glob, "" for every check
	match  string          // what was written before the duration
	length time.Duration
	reason string
}

// parseSilence reads `<selectors or check=NAME> <duration> [reason]`.
// Selectors come first; the first unquoted word that reads as a duration
// ends them, so a node named like a duration is quoted. The reason is
// every token after the duration, or one quoted string.
func parseSilence(inv Invocation) (silenceRequest, error) {
	var r silenceRequest
	var match []string
	for i, t := range inv.Tokens {
		if d, ok := durationWord(t); ok {
			return r.finish(match, d, inv.Tokens[i+1:])
		}

		switch {
		case t.Kind == TokenOption:
			return r, Usagef("silence takes no options (--%s)", t.Name)
		case t.Kind == TokenSelector && t.Selector.Key == checkKey:
			if err := r.setCheck(t.Selector); err != nil {
				return r, err
			}
		case t.Kind == TokenSelector:
			r.sels = append(r.sels, t.Selector)
		default:
			sel, err := nodeSelector(t)
			if err != nil {
				return r, err
			}
			r.sels = append(r.sels, sel)
		}
		match = append(match, t.Text)
	}

	if len(match) == 0 {
		return r, Usagef("name the nodes or check=NAME, then a duration such as 2h")
	}
	return r, Usagef("say for how long after %s, as in 2h or 1d", strings.Join(match, " "))
}

// durationWord reads an unquoted word as a duration.
func durationWord(t Token) (time.Duration, bool) {
	if t.Kind != TokenWord || t.Quoted {
		return 0, false
	}
	d, err := ParseDuration(t.Text)
	return d, err == nil
}

// setCheck takes check=NAME; a silence names one check glob at most, and
// cannot name the checks it leaves out.
func (r *silenceRequest) setCheck(sel fleet.Selector) error {
	switch {
	case r.check != "":
		return Usagef("name one check (a glob such as check=docker* covers several)")
	case sel.Op == fleet.OpNotEqual || sel.Op == fleet.OpNotMatch:
		return Usagef("a silence names the checks it mutes: check=NAME, not check!=NAME")
	}
	r.check = sel.Value
	return nil
}

// finish completes a request from what came before the duration, the
// duration, and the reason's tokens.
func (r silenceRequest) finish(match []string, d time.Duration, rest []Token) (silenceRequest, error) {
	if len(match) == 0 {
		return r, Usagef("name the nodes or check=NAME before the duration")
	}

	r.match = strings.Join(match, " ")
	r.length = d
	r.reason = joinReason(rest)
	if n := utf8.RuneCountInString(r.reason); n > maxSilenceReason {
		return r, Usagef("the reason is %d characters; keep it under %d", n, maxSilenceReason)
	}
	return r, nil
}

// silence finds the nodes and makes the silence, or asks for confirm
// first when it covers more than MaxUnconfirmed nodes.
func (s *silencer) silence(ctx context.Context, req *Request) error {
	r, err := parseSilence(req.Inv)
	if err != nil {
		return err
	}

	nodes, err := selectNodes(ctx, s.Nodes, r.sels, "nothing silenced")
	if err != nil {
		return err
	}

	// The record names who asked, also when another maintainer confirms.
	who := req.Caller.Who()
	return s.Confirm.AskIfMany(ctx, req, len(nodes), func() string { return silencePlan(r, nodes) },
		func(ctx context.Context, req *Request) error { return s.add(ctx, req, r, nodes, who) })
}

// silencePlan describes what a confirm would do: "silence check=disk on
// 40 nodes (dm-1, dm-2, dm-3, dm-4, dm-5 +35) for 2h".
func silencePlan(r silenceRequest, nodes []fleet.Node) string {
	return fmt.Sprintf("silence %s on %d %s (%s) for %s", r.match, len(nodes),
		plural(len(nodes), "node", "nodes"), shortList(nodeNames(nodes), shownGroupNodes, ", "),
		short(r.length))
}

// add stores the silence and answers with its ID. The silence keeps the
// nodes found now, unless only a check was named: then it covers every
// node, those that join later too.
func (s *silencer) add(ctx context.Context, req *Request, r silenceRequest, nodes []fleet.Node,
	who string) error {
	now := s.now()
	sil := Silence{Match: r.match, Check: r.check, Who: who, Reason: r.reason,
		Start: now.UTC(), Until: now.Add(r.length).UTC()}
	if len(r.sels) > 0 {
		sil.Nodes = nodeNames(nodes)
	}

	sil, err := s.Silences.AddSilence(ctx, sil)
	if err != nil {
		return &UserError{Msg: "gordon could not record the silence, so nothing is silenced", Err: err}
	}

	s.Logger.Info("silence added", keyCommand, "silence", keyWho, who, keySilence, sil.ID,
		keyArgs, sil.Match, keyNodes, len(nodes), keyUntil, sil.Until)
	scope := countNodes(len(nodes))
	if len(sil.Nodes) == 0 {
		scope = fmt.Sprintf("every node (%d now)", len(nodes))
	}
	req.Reply("silence %s: %s on %s until %s; unsilence %s ends it sooner", sil.ID, r.match, scope,
		s.clock(sil.Until, now), sil.ID)
	return nil
}

// clock shows t as a time of day in the configured zone, with the date
// when it is not within the next day: "14:05 UTC", "Mar 3 14:05 UTC".
func (s *silencer) clock(t, now time.Time) string {
	t = t.In(s.Location)
	if t.Sub(now) < 20*time.Hour {
		return t.Format("15:04 MST")
	}
	return t.Format("Jan 2 15:04 MST")
}
