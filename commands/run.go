package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"
)

// Outcomes of a command, as metrics, logs and the audit trail name them.
const (
	outcomeOK      = "ok"
	outcomeUsage   = "usage"
	outcomeDenied  = "denied"
	outcomeFailed  = "failed"
	outcomeTimeout = "timeout"
	outcomePanic   = "panic"
	outcomeRefused = "refused" // not run: the audit trail could not be written
)

// run checks the caller's role, then runs cmd and answers.
func (d *Dispatcher) run(ctx context.Context, cmd *Command, req *Request, line string) {
	inv, err := ParseInvocation(line)
	if err != nil {
		d.metrics.observe(cmd.Name, outcomeUsage, 0)
		d.send(ctx, req, "", []string{cmd.Name + ": " + err.Error()})
		return
	}
	req.Inv = inv
	log := d.log.With(keyCommand, cmd.Name, keyWho, req.Caller.Who(), keyNick, req.Caller.Nick)

	if req.Caller.Role < cmd.Role {
		d.deny(ctx, log, cmd, req)
		return
	}

	auditKey, ok := d.auditStart(ctx, log, cmd, req)
	if !ok {
		return
	}

	err = d.call(ctx, cmd, req)
	outcome := d.answer(ctx, log, cmd, req, err)
	elapsed := time.Since(req.Received)
	d.metrics.observe(cmd.Name, outcome, elapsed.Seconds())
	d.auditEnd(ctx, log, cmd, req, auditKey, outcome, err, elapsed)
	d.logDone(log, cmd, req, outcome, elapsed, err)
}

// call runs the handler with the time limit and turns a panic into an
// error. A handler that ignores its context is abandoned at the deadline;
// its answer is then never read.
func (d *Dispatcher) call(ctx context.Context, cmd *Command, req *Request) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()

	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- &PanicError{Value: v, Stack: debug.Stack()}
			}
		}()
		done <- cmd.Run(ctx, req)
	}()

	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("%s after %s: %w", cmd.Name, d.timeout, ErrTimeout)
		}
		return ctx.Err()
	}
}

// answer sends the command's lines, or one short line about its error,
// and returns the outcome.
func (d *Dispatcher) answer(ctx context.Context, log *slog.Logger, cmd *Command, req *Request, err error) string {
	var usage *UsageError
	var user *UserError
	var panicked *PanicError
	lines := req.lines

	outcome := outcomeFailed
	switch {
	case err == nil:
		outcome = outcomeOK
	case errors.As(err, &usage):
		outcome = outcomeUsage
		lines = []string{fmt.Sprintf("%s; usage: %s %s", usage.Reason, cmd.Name, cmd.Usage)}
	case errors.As(err, &user):
		lines = append(lines, cmd.Name+": "+user.Error())
	case errors.Is(err, ErrTimeout):
		outcome = outcomeTimeout
		lines = []string{fmt.Sprintf("%s timed out after %s", cmd.Name, d.timeout)}
	case errors.As(err, &panicked):
		outcome = outcomePanic
		log.Error("command panicked", keyError, err, keyStack, string(panicked.Stack))
		lines = []string{cmd.Name + " failed: internal error (logged)"}
	default:
		lines = append(lines, cmd.Name+" failed: "+firstLine(err.Error()))
	}

	// An action's long answer does not suggest running it again.
	repeat := ""
	if !cmd.acts(req.Inv) {
		repeat = strings.TrimSpace(cmd.Name + " " + req.Inv.Args())
	}
	d.send(ctx, req, repeat, lines)
	if cmd.acts(req.Inv) {
		d.announce(ctx, req, outcome)
	}
	return outcome
}

func (d *Dispatcher) deny(ctx context.Context, log *slog.Logger, cmd *Command, req *Request) {
	log.Warn("command refused", keyOutcome, outcomeDenied)
	d.metrics.observe(cmd.Name, outcomeDenied, 0)
	d.send(ctx, req, "", []string{fmt.Sprintf(
		"%s: %s is for %ss, and you are not recognised as one (see whoami)",
		req.Caller.Nick, cmd.Name, cmd.Role)})
}

// auditStart records an action before it runs, so that a crash cannot
// hide who asked for it. An action that cannot be recorded is not run.
func (d *Dispatcher) auditStart(ctx context.Context, log *slog.Logger, cmd *Command, req *Request) (string, bool) {
	if !cmd.acts(req.Inv) || d.audit == nil {
		return "", true
	}

	key := d.audit.Key(req.Received)
	if err := d.audit.Record(ctx, key, d.auditEntry(cmd, req, "started", nil, 0)); err != nil {
		log.Error("action not run: audit failed", keyError, err)
		d.metrics.observe(cmd.Name, outcomeRefused, 0)
		d.send(ctx, req, "", []string{cmd.Name + " not run: gordon cannot record it right now"})
		return "", false
	}
	return key, true
}

func (d *Dispatcher) auditEnd(ctx context.Context, log *slog.Logger, cmd *Command, req *Request,
	key, outcome string, err error, elapsed time.Duration) {
	if key == "" {
		return
	}
	if aerr := d.audit.Record(ctx, key, d.auditEntry(cmd, req, outcome, err, elapsed)); aerr != nil {
		log.Error("audit outcome not recorded", keyError, aerr)
	}
}

func (d *Dispatcher) auditEntry(cmd *Command, req *Request, outcome string, err error,
	elapsed time.Duration) AuditEntry {
	e := AuditEntry{
		At:         req.Received.UTC(),
		Who:        req.Caller.Who(),
		Nick:       req.Caller.Nick,
		Account:    req.Caller.Account,
		Via:        req.Caller.Via,
		Maintainer: req.Caller.Name,
		Command:    cmd.Name,
		Args:       req.Inv.Args(),
		Target:     req.Target,
		Private:    req.Private,
		Outcome:    outcome,
	}
	if err != nil {
		e.Error = err.Error()
	}
	if elapsed > 0 {
		e.Duration = elapsed.String()
	}
	return e
}

// logDone writes the one line per command: actions at info, queries at
// debug, failures at warn.
func (d *Dispatcher) logDone(log *slog.Logger, cmd *Command, req *Request, outcome string,
	elapsed time.Duration, err error) {
	attrs := []any{keyArgs, req.Inv.Args(), keyTarget, req.Target, keyOutcome, outcome, keyDuration, elapsed}
	switch {
	case err != nil && outcome != outcomeUsage:
		log.Warn("command failed", append(attrs, keyError, err)...)
	case cmd.acts(req.Inv):
		log.Info("action done", attrs...)
	default:
		log.Debug("query done", attrs...)
	}
}

// firstLine keeps an error's first line, short, for the channel.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
