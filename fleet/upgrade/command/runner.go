package command

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/outtail"
)

// waitDelay bounds the wait for a killed program's output to close: a
// child that left its process group may hold it open.
const waitDelay = 2 * time.Second

// ErrNoProbe is Probe's error when the configuration has no probe.
var ErrNoProbe = errors.New("no probe configured")

// RunError is a run that did not succeed: the program exited with a
// status other than 0, or was killed at its time limit.
type RunError struct {
	// Program is the program's base name; Node the node it ran for.
	Program string
	Node    string

	// Code is the exit status, -1 when the program was killed.
	Code int

	// TimedOut is set when it was killed at Limit.
	TimedOut bool
	Limit    time.Duration

	// Tail is the end of what the program wrote.
	Tail string
}

// Error says what happened, with the last line the program wrote:
// "upgrade-docker for dm-3 exited with status 2: no space left on
// device".
func (e *RunError) Error() string {
	what := fmt.Sprintf("%s for %s exited with status %d", e.Program, e.Node, e.Code)
	if e.TimedOut {
		what = fmt.Sprintf("%s for %s killed after %s", e.Program, e.Node, e.Limit)
	}
	if line := outtail.LastLine(e.Tail); line != "" {
		return what + ": " + line
	}
	return what
}

// Runner runs the configured program for each node. It is safe for
// concurrent use.
type Runner struct {
	run          commandLine
	probe        commandLine
	hasProbe     bool
	timeout      time.Duration
	probeTimeout time.Duration
	log          *slog.Logger
}

var (
	_ upgrade.Runner = (*Runner)(nil)
	_ upgrade.Prober = (*Runner)(nil)
)

// New returns a Runner for cfg, which it gives defaults and validates.
// The programs must be found, as they would be run, when New is called.
func New(cfg Config, log *slog.Logger) (*Runner, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("command runner: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}

	r := &Runner{timeout: cfg.Timeout.D(), probeTimeout: cfg.ProbeTimeout.D(), log: log}
	var err error
	if r.run, err = lookLine(cfg.Argv); err != nil {
		return nil, fmt.Errorf("command runner: argv: %w", err)
	}
	if len(cfg.Probe) > 0 {
		if r.probe, err = lookLine(cfg.Probe); err != nil {
			return nil, fmt.Errorf("command runner: probe: %w", err)
		}
		r.hasProbe = true
	}
	return r, nil
}

// lookLine parses argv and checks that its program can be run.
func lookLine(argv []string) (commandLine, error) {
	line, err := parseLine(argv)
	if err != nil {
		return commandLine{}, err
	}
	if _, err := exec.LookPath(line.program); err != nil {
		return commandLine{}, fmt.Errorf("program %s: %w", line.program, err)
	}
	return line, nil
}

// HasProbe reports whether a probe is configured.
func (r *Runner) HasProbe() bool {
	return r.hasProbe
}

// Run runs the upgrade program for t, within the time limit. Its error is
// a *RunError for a run that failed, the caller's context error (wrapped)
// when ctx ended first, or why the program could not start. The Result
// holds the end of the output either way.
func (r *Runner) Run(ctx context.Context, t upgrade.Target) (upgrade.Result, error) {
	return r.exec(ctx, r.run, t, r.timeout)
}

// Probe runs the probe for t and returns what it printed, trimmed. Its
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

// exec runs line for t, killing it and its children at limit.
func (r *Runner) exec(ctx context.Context, line commandLine, t upgrade.Target,
	limit time.Duration) (upgrade.Result, error) {
	if err := checkTarget(t); err != nil {
		return upgrade.Result{}, err
	}
	argv, err := line.argv(t)
	if err != nil {
		return upgrade.Result{}, err
	}

	rctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	out := outtail.New(outtail.Max)
	cmd := exec.CommandContext(rctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = waitDelay
	ownGroup(cmd)

	started := time.Now()
	err = cmd.Run()
	res := upgrade.Result{Output: out.String(), Took: time.Since(started)}
	r.log.Debug("command ran", keyProgram, filepath.Base(argv[0]), keyNode, t.Node, keyDuration, res.Took,
		keyError, err)
	return res, outcome(ctx, rctx, argv[0], t.Node, limit, res, err)
}

// outcome turns the error of cmd.Run into Run's: the caller's context
// ending first, the time limit, an exit status, or a failed start.
func outcome(ctx, rctx context.Context, program, node string, limit time.Duration,
	res upgrade.Result, err error) error {
	name := filepath.Base(program)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s for %s stopped: %w", name, node, ctx.Err())
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		return &RunError{Program: name, Node: node, Code: -1, TimedOut: true, Limit: limit, Tail: res.Output}
	case errors.As(err, &exit):
		return &RunError{Program: name, Node: node, Code: exit.ExitCode(), Tail: res.Output}
	}
	return fmt.Errorf("run %s for %s: %w", name, node, err)
}
