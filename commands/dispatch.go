package commands

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
)

// Message is a line that reached gordon.
type Message struct {
	From Identity

	// Target is the channel the line was said in; for a private message,
	// it is empty.
	Target  string
	Private bool
	Text    string

	// Received is when the line arrived; zero means now.
	Received time.Time
}

// Options wire a Dispatcher.
type Options struct {
	Registry *Registry
	Roles    *Roles
	Out      Replier
	Audit    *Audit   // nil: actions are not audited (tests only)
	Metrics  *Metrics // nil: nothing is counted
	Logger   *slog.Logger
	Config   Config

	// Nick is gordon's nick, for "gordon: cmd" addressing; Prefix is the
	// channel command prefix, "!" usually.
	Nick   string
	Prefix string

	// MainChannel hears about actions asked for in private.
	MainChannel string
}

// Dispatcher turns lines into commands: it finds the command, checks who
// may run it, limits each person's rate, runs the command with a time
// limit and panic recovery, answers, logs and audits.
type Dispatcher struct {
	reg     *Registry
	roles   *Roles
	out     Replier
	audit   *Audit
	metrics *Metrics
	log     *slog.Logger
	limiter *limiter
	timeout time.Duration
	prefix  string
	main    string
	nick    atomic.Pointer[string]
}

// NewDispatcher returns a dispatcher; opts.Config must be validated.
func NewDispatcher(opts Options) *Dispatcher {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}

	d := &Dispatcher{
		reg:     opts.Registry,
		roles:   opts.Roles,
		out:     opts.Out,
		audit:   opts.Audit,
		metrics: opts.Metrics,
		log:     log,
		limiter: newLimiter(opts.Config.RateBurst, opts.Config.RateInterval.D()),
		timeout: opts.Config.Timeout.D(),
		prefix:  opts.Prefix,
		main:    opts.MainChannel,
	}
	d.SetNick(opts.Nick)
	return d
}

// SetNick tells the dispatcher gordon's current nick, which may change
// after a nick collision.
func (d *Dispatcher) SetNick(nick string) {
	d.nick.Store(&nick)
}

// Nick returns gordon's current nick.
func (d *Dispatcher) Nick() string {
	return *d.nick.Load()
}

// Handle runs the command in m, if there is one, and answers it. It
// returns when the answer has been handed to the replier. It is safe to
// call from several goroutines.
func (d *Dispatcher) Handle(ctx context.Context, m Message) {
	line, addressed, ok := d.extract(m)
	if !ok {
		return
	}
	if m.Received.IsZero() {
		m.Received = time.Now()
	}

	name := strings.ToLower(firstWord(line))
	cmd := d.reg.Lookup(name)
	if cmd == nil && !addressed && !d.hasClose(name) {
		return
	}

	c := d.caller(m.From)
	req := &Request{Caller: c, Private: m.Private, Target: d.replyTarget(m), Received: m.Received}
	if !d.allow(ctx, req) {
		d.metrics.observe(metricName(cmd), "limited", 0)
		return
	}

	if cmd == nil {
		d.unknown(ctx, req, name, addressed)
		return
	}
	d.run(ctx, cmd, req, line)
}

// extract finds the command line in m: after the prefix or gordon's nick
// in a channel, the whole text in private. Only a line that starts with
// the prefix or the nick counts, so a line quoting a command does not run
// it.
func (d *Dispatcher) extract(m Message) (line string, addressed, ok bool) {
	text := strings.TrimRight(m.Text, " \t")
	if rest, ok := d.afterNick(text); ok {
		return rest, true, rest != ""
	}
	if m.Private {
		text = strings.TrimPrefix(strings.TrimSpace(text), d.prefix)
		return text, true, text != ""
	}

	rest, ok := strings.CutPrefix(text, d.prefix)
	if !ok || d.prefix == "" || rest == "" || !isLetter(rest[0]) {
		return "", false, false
	}
	return rest, false, true
}

// afterNick returns what follows "gordon:" or "gordon," at the start of
// text.
func (d *Dispatcher) afterNick(text string) (string, bool) {
	nick := d.Nick()
	if len(text) <= len(nick) || !strings.EqualFold(text[:len(nick)], nick) {
		return "", false
	}
	if sep := text[len(nick)]; sep != ':' && sep != ',' {
		return "", false
	}
	return strings.TrimSpace(text[len(nick)+1:]), true
}

func (d *Dispatcher) hasClose(name string) bool {
	_, ok := d.reg.Closest(name)
	return ok
}

func (d *Dispatcher) caller(id Identity) Caller {
	role, name := d.roles.Of(id)
	return Caller{Identity: id, Role: role, Name: name}
}

func (d *Dispatcher) replyTarget(m Message) string {
	if m.Private {
		return m.From.Nick
	}
	return m.Target
}

// allow applies the person's rate limit and says "slow down" once.
func (d *Dispatcher) allow(ctx context.Context, req *Request) bool {
	switch d.limiter.take(strings.ToLower(req.Caller.Who()), req.Received) {
	case allowed:
		return true
	case warn:
		d.log.Warn("rate limited", keyWho, req.Caller.Who(), keyNick, req.Caller.Nick)
		d.send(ctx, req, "", []string{req.Caller.Nick + ": slow down; some of your commands were dropped"})
	}
	return false
}

// unknown answers a name that is not a command: a near name gets a hint;
// otherwise only a person who addressed gordon gets an answer.
func (d *Dispatcher) unknown(ctx context.Context, req *Request, name string, addressed bool) {
	d.metrics.observe("unknown", "unknown", 0)
	if close, ok := d.reg.Closest(name); ok {
		d.send(ctx, req, "", []string{"unknown command " + quoteName(name) + "; did you mean " + close + "?"})
		return
	}
	if addressed {
		d.send(ctx, req, "", []string{"unknown command " + quoteName(name) + "; try help"})
	}
}

// send hands an answer to the replier, cut to the line limit of where it
// goes. command is the line to repeat in "/msg gordon ... for all".
func (d *Dispatcher) send(ctx context.Context, req *Request, command string, lines []string) {
	if len(lines) == 0 {
		return
	}
	if req.Private {
		lines = limit(lines, PrivateLines, "", "")
	} else {
		lines = limit(lines, ChannelLines, d.Nick(), command)
	}

	r := Reply{Target: req.Target, Private: req.Private, Priority: PriorityReply, Lines: lines}
	if err := d.out.Send(ctx, r); err != nil {
		d.log.Error("reply not sent", keyTarget, req.Target, keyError, err)
	}
}

// announce tells the main channel about an action asked for in private,
// so everyone sees who did what.
func (d *Dispatcher) announce(ctx context.Context, req *Request, outcome string) {
	if !req.Private || d.main == "" {
		return
	}
	line := req.Caller.Who() + " (in private): " + req.Inv.Name
	if args := req.Inv.Args(); args != "" {
		line += " " + args
	}
	line += " [" + outcome + "]"

	r := Reply{Target: d.main, Priority: PriorityAnnounce, Lines: []string{line}}
	if err := d.out.Send(ctx, r); err != nil {
		d.log.Error("announcement not sent", keyTarget, d.main, keyError, err)
	}
}

func firstWord(line string) string {
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		return line[:i]
	}
	return line
}

func isLetter(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// quoteName shows a name that came from outside without letting it run
// long.
func quoteName(name string) string {
	if len(name) > 32 {
		name = name[:32] + "..."
	}
	return `"` + name + `"`
}

func metricName(cmd *Command) string {
	if cmd == nil {
		return "unknown"
	}
	return cmd.Name
}
