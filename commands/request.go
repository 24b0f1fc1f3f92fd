package commands

import (
	"errors"
	"fmt"
	"time"
)

// Caller is the person behind a request, with what gordon decided about
// them.
type Caller struct {
	Identity
	Role Role

	// Name is the maintainer's configured name; empty for anyone else.
	Name string
}

// Request is one command being run.
type Request struct {
	Inv     Invocation
	Caller  Caller
	Private bool

	// Target is where the command came from: a channel, or the caller's
	// nick in private.
	Target string

	// Received is when the line reached gordon.
	Received time.Time

	lines []string
}

// Reply adds one line to the answer.
func (r *Request) Reply(format string, args ...any) {
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

// ReplyLines adds lines to the answer as they are.
func (r *Request) ReplyLines(lines ...string) {
	r.lines = append(r.lines, lines...)
}

// UsageError says that a command was called the wrong way. The dispatcher
// answers with the reason and the command's usage.
type UsageError struct {
	Reason string
}

// Error returns the reason.
func (e *UsageError) Error() string { return e.Reason }

// Usagef returns a *UsageError with a formatted reason.
func Usagef(format string, args ...any) error {
	return &UsageError{Reason: fmt.Sprintf(format, args...)}
}

// UserError is a failure whose text is meant for the person, as it is:
// "no such node dm-9". Other errors are logged whole and answered briefly.
type UserError struct {
	Msg string
	Err error
}

// Error returns the message, with the cause when there is one.
func (e *UserError) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// Unwrap returns the cause.
func (e *UserError) Unwrap() error { return e.Err }

// Userf returns a *UserError with a formatted message.
func Userf(format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

// ErrTimeout is returned when a command ran past its time limit.
var ErrTimeout = errors.New("command timed out")

// PanicError is what a panicking command becomes.
type PanicError struct {
	Value any
	Stack []byte
}

// Error describes the panic without the stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("command panicked: %v", e.Value)
}
