package sshrunner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"text/template"
	"time"

	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/outtail"
)

// ErrNoProbe is Probe's error when the configuration has no probe.
var ErrNoProbe = errors.New("no probe configured")

// Runner runs the configured command on each node over SSH. It is safe
// for concurrent use: each run has a connection of its own.
type Runner struct {
	run      commandLine
	probe    commandLine
	hasProbe bool
	user     *template.Template
	host     *template.Template
	port     int
	consul   string

	hostKeys hostKeys
	auth     auth

	connectTimeout time.Duration
	timeout        time.Duration
	probeTimeout   time.Duration

	// keepalive is how often a node is asked for a sign of life, and
	// misses how many intervals it may stay silent; tests shorten them.
	keepalive time.Duration
	misses    int

	log *slog.Logger
}

var (
	_ upgrade.Runner = (*Runner)(nil)
	_ upgrade.Prober = (*Runner)(nil)
)

// New returns a Runner for cfg, which it gives defaults and validates. It
// reads the known_hosts and key files now, so that a missing or broken
// one fails at start. Ignoring host keys is logged as a warning.
func New(cfg Config, log *slog.Logger) (*Runner, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ssh runner: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}

	r := &Runner{
		port: cfg.Port, consul: cfg.Consul, log: log,
		connectTimeout: cfg.ConnectTimeout.D(),
		timeout:        cfg.Timeout.D(),
		probeTimeout:   cfg.ProbeTimeout.D(),
		keepalive:      keepaliveEvery,
		misses:         keepaliveMisses,
	}
	if err := r.parse(cfg); err != nil {
		return nil, fmt.Errorf("ssh runner: %w", err)
	}

	var err error
	if r.hostKeys, err = newHostKeys(cfg); err != nil {
		return nil, fmt.Errorf("ssh runner: %w", err)
	}
	if r.auth, err = newAuth(cfg, os.Getenv); err != nil {
		return nil, fmt.Errorf("ssh runner: %w", err)
	}

	if cfg.InsecureIgnoreHostKey {
		log.Warn("ssh host keys not checked: any machine on the path can pose as a node",
			keySetting, "insecure_ignore_host_key")
	}
	log.Debug("ssh runner ready", keyKnownHosts, cfg.KnownHosts, keyKeyFile, cfg.KeyFile,
		keyAgent, cfg.Agent)
	return r, nil
}

// parse parses the command lines and the login templates.
func (r *Runner) parse(cfg Config) error {
	var err error
	if r.run, err = parseLine(cfg.Argv); err != nil {
		return fmt.Errorf("argv: %w", err)
	}
	if len(cfg.Probe) > 0 {
		if r.probe, err = parseLine(cfg.Probe); err != nil {
			return fmt.Errorf("probe: %w", err)
		}
		r.hasProbe = true
	}
	if r.user, err = parseTemplate("user", cfg.User); err != nil {
		return fmt.Errorf("user: %w", err)
	}
	if r.host, err = parseTemplate("host", cfg.Host); err != nil {
		return fmt.Errorf("host: %w", err)
	}
	return nil
}

// HasProbe reports whether a probe is configured.
func (r *Runner) HasProbe() bool {
	return r.hasProbe
}

// Run runs the upgrade command on t, within the time limit. Its error is
// a *RunError for a command that failed, a *HostKeyError for a node whose
// host key was refused, the caller's context error (wrapped) when ctx
// ended first, or why the node could not be reached or logged in to. The
// Result holds the end of the output either way.
func (r *Runner) Run(ctx context.Context, t upgrade.Target) (upgrade.Result, error) {
	return r.exec(ctx, r.run, t, r.timeout)
}

// Probe runs the probe on t and returns what it printed, trimmed. Its
// errors are those of Run, or ErrNoProbe.
func (r *Runner) Probe(ctx context.Context, t upgrade.Target) (string, error) {
	if !r.hasProbe {
		return "", ErrNoProbe
	}

	res, err := r.exec(ctx, r.probe, t, r.probeTimeout)
	if err != nil {
		return "", err
	}
	return res.Output, nil
}

// exec renders line for t and runs it there.
func (r *Runner) exec(ctx context.Context, line commandLine, t upgrade.Target,
	limit time.Duration) (upgrade.Result, error) {
	if err := checkTarget(t); err != nil {
		return upgrade.Result{}, err
	}
	cmd, err := line.line(t)
	if err != nil {
		return upgrade.Result{}, err
	}
	return r.remote(ctx, job{t: t, program: path.Base(line.program), cmd: cmd, limit: limit})
}

// job is one command to run on a node.
type job struct {
	t       upgrade.Target
	program string // the program's base name, for errors and logs
	cmd     string // the command line, quoted
	limit   time.Duration
}

// remote logs in to j's node and runs its command, killing it at its
// limit.
func (r *Runner) remote(ctx context.Context, j job) (upgrade.Result, error) {
	l, err := r.loginFor(j.t)
	if err != nil {
		return upgrade.Result{}, err
	}

	started := time.Now()
	rctx, cancel := context.WithTimeout(ctx, j.limit)
	defer cancel()
	c, err := r.connect(rctx, l)
	if err != nil {
		return upgrade.Result{Took: time.Since(started)}, connectFailed(ctx, rctx, j, err)
	}
	defer c.Close()

	out := outtail.New(outtail.Max)
	lost := keepAlive(rctx, c, r.keepalive, r.misses)
	err = runSession(rctx, c, j.cmd, out)
	res := upgrade.Result{Output: out.String(), Took: time.Since(started)}
	r.log.Debug("ssh command ran", keyProgram, j.program, keyNode, j.t.Node, keyAddr, l.addr,
		keyUser, l.user, keyDuration, res.Took, keyError, err)

	fail := &RunError{Program: j.program, Node: j.t.Node, Code: -1, Limit: j.limit,
		Tail: res.Output, Lost: lost.Load()}
	return res, outcome(ctx, rctx, fail, err)
}

// connectFailed turns a failed login into Run's error: the caller's
// context ending, the run's time limit passing during the login, or the
// login's own failure.
func connectFailed(ctx, rctx context.Context, j job, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s on %s stopped: %w", j.program, j.t.Node, ctx.Err())
	case rctx.Err() != nil:
		return &RunError{Program: j.program, Node: j.t.Node, Code: -1, TimedOut: true,
			Limit: j.limit}
	}
	return fmt.Errorf("ssh to %s: %w", j.t.Node, err)
}
