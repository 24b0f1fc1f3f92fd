package sshrunner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gordonbot/gordon/fleet/upgrade/outtail"
)

// RunError is a command that ran on the node and did not succeed: it
// exited with a status other than 0, was killed at its time limit, or
// the node stopped answering while it ran.
type RunError struct {
	// Program is the program's base name; Node the node it ran on.
	Program string
	Node    string

	// Code is the exit status, -1 when none came back. Signal is the
	// signal that ended the program, as the node named it ("KILL").
	Code   int
	Signal string

	// TimedOut is set when it was killed at Limit.
	TimedOut bool
	Limit    time.Duration

	// Lost is set when the connection broke before the program ended.
	Lost bool

	// Tail is the end of what the program wrote.
	Tail string
}

// Error says what happened, with the last line the program wrote:
// "upgrade-docker on dm-3 exited with status 2: no space left on device".
func (e *RunError) Error() string {
	what := fmt.Sprintf("%s on %s exited with status %d", e.Program, e.Node, e.Code)
	switch {
	case e.TimedOut:
		what = fmt.Sprintf("%s on %s timed out after %s and was killed", e.Program, e.Node, e.Limit)
	case e.Lost:
		what = fmt.Sprintf("%s on %s: connection lost before it ended; it may still run", e.Program, e.Node)
	case e.Signal != "":
		what = fmt.Sprintf("%s on %s was killed by signal %s", e.Program, e.Node, e.Signal)
	}
	if line := outtail.LastLine(e.Tail); line != "" {
		return what + ": " + line
	}
	return what
}

// outcome turns the error of a session into Run's: the caller's context
// ending first, the time limit, an exit status or signal, a lost
// connection, or a failure to start. fail holds what is known of the run.
func outcome(ctx, rctx context.Context, fail *RunError, err error) error {
	var exit *ssh.ExitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s on %s stopped: %w", fail.Program, fail.Node, ctx.Err())
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		fail.TimedOut = true
		return fail
	case errors.As(err, &exit):
		fail.Code, fail.Signal = exit.ExitStatus(), exit.Signal()
		return fail
	case fail.Lost:
		return fail
	}

	var missing *ssh.ExitMissingError
	if errors.As(err, &missing) {
		fail.Lost = true
		return fail
	}
	return fmt.Errorf("run %s on %s: %w", fail.Program, fail.Node, err)
}
