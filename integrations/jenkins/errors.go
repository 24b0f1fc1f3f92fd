package jenkins

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Kinds of failure, matched with errors.Is. Each is wrapped in one of the
// error types below, which say what it was about.
var (
	ErrNoSuchJob       = errors.New("no such job")
	ErrNoSuchBuild     = errors.New("no such build")
	ErrNoSuchQueueItem = errors.New("no such queue item")
	ErrNoSuchNode      = errors.New("no such node")

	// ErrUnknownParam is a parameter the job does not define; Jenkins
	// would drop it without a word.
	ErrUnknownParam = errors.New("unknown parameter")

	// ErrBadParamValue is a value the parameter's definition refuses,
	// such as "maybe" for a boolean.
	ErrBadParamValue = errors.New("bad parameter value")

	// ErrJobDisabled is a job that Jenkins will not build.
	ErrJobDisabled = errors.New("job disabled")

	ErrNodeOffline = errors.New("node offline")
	ErrNotRunning  = errors.New("build not running")
	ErrStarted     = errors.New("queue item already started")
	ErrCancelled   = errors.New("queue item cancelled")

	// ErrUnreachable is a request that got no answer: refused, reset or
	// timed out.
	ErrUnreachable = errors.New("jenkins unreachable")

	// ErrOutcomeUnknown is a write that Jenkins may have carried out
	// although gordon cannot tell: its answer was lost or made no sense.
	ErrOutcomeUnknown = errors.New("outcome unknown")

	// ErrGaveUp is a wait that reached its configured limit.
	ErrGaveUp = errors.New("gave up waiting")
)

// StatusError is an HTTP status Jenkins answered that gordon did not
// expect. A 404 on a named job, build, item or node becomes a
// *NotFoundError instead.
type StatusError struct {
	Method string
	Path   string
	Code   int
}

// Error returns the request and the status, "POST /job/x/build: 403 Forbidden".
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Code, http.StatusText(e.Code))
}

// Brief says what the status means for the person who asked.
func (e *StatusError) Brief() string {
	switch {
	case e.Code == http.StatusUnauthorized:
		return "Jenkins did not accept gordon's user and token (401)"
	case e.Code == http.StatusForbidden:
		return "Jenkins refused: gordon's Jenkins user may not do that (403)"
	case e.Code >= 500:
		return fmt.Sprintf("Jenkins failed (%d %s); try again later", e.Code, http.StatusText(e.Code))
	}
	return fmt.Sprintf("Jenkins answered %d %s", e.Code, http.StatusText(e.Code))
}

// temporary reports whether a read that got this status may work when
// tried again.
func (e *StatusError) temporary() bool {
	switch e.Code {
	case http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusTooManyRequests:
		return true
	}
	return false
}

// NotFoundError is a job, build, queue item or node that Jenkins does not
// have. Kind is one of the ErrNoSuchX sentinels.
type NotFoundError struct {
	Kind error
	Name string
}

// Error returns `no such job "docker-foo"`.
func (e *NotFoundError) Error() string { return fmt.Sprintf("%v %q", e.Kind, e.Name) }

// Unwrap returns the kind.
func (e *NotFoundError) Unwrap() error { return e.Kind }

// Brief returns the same text as Error.
func (e *NotFoundError) Brief() string { return e.Error() }

// ParamError is a build parameter that the job's definitions refuse.
// Kind is ErrUnknownParam or ErrBadParamValue.
type ParamError struct {
	Job    string
	Param  string
	Reason string
	Kind   error
}

// Error returns the job and the reason, "docker-pr takes no parameter FOO
// (it takes PR, NODE)".
func (e *ParamError) Error() string { return e.Job + " " + e.Reason }

// Unwrap returns the kind.
func (e *ParamError) Unwrap() error { return e.Kind }

// Brief returns the same text as Error.
func (e *ParamError) Brief() string { return e.Error() }

// StateError is something that exists but is not in a state that allows
// what was asked: an offline node, a build that already ended, a queue
// item that started or was cancelled. Kind is the matching sentinel.
type StateError struct {
	Subject string // "node dm-3", "docker-pr #12", "queue item 57"
	State   string // "is offline: kernel upgrade", "already ended: SUCCESS"
	Kind    error
}

// Error returns the subject and its state.
func (e *StateError) Error() string { return e.Subject + " " + e.State }

// Unwrap returns the kind.
func (e *StateError) Unwrap() error { return e.Kind }

// Brief returns the same text as Error.
func (e *StateError) Brief() string { return e.Error() }

// NetError is a request that got no answer. It matches ErrUnreachable,
// and also ErrOutcomeUnknown when it was a write that may have reached
// Jenkins before the answer was lost.
type NetError struct {
	Method string
	Path   string

	// Timeout is set when Jenkins did not answer within the request
	// timeout.
	Timeout bool

	// MaybeDone is set for a write that may have been carried out.
	MaybeDone bool

	Err error
}

// Error returns the request and the cause.
func (e *NetError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *NetError) Unwrap() error { return e.Err }

// Is matches ErrUnreachable, and ErrOutcomeUnknown when MaybeDone is set.
func (e *NetError) Is(target error) bool {
	return target == ErrUnreachable || (e.MaybeDone && target == ErrOutcomeUnknown)
}

// Brief says that Jenkins did not answer, and whether it may have acted.
func (e *NetError) Brief() string {
	msg := "Jenkins is unreachable"
	if e.Timeout {
		msg = "Jenkins did not answer in time"
	}
	if e.MaybeDone {
		msg += "; it may have done it anyway, so check before trying again"
	}
	return msg
}

// OutcomeError is a write that Jenkins accepted with an answer gordon
// cannot read, so it may or may not have been carried out. It matches
// ErrOutcomeUnknown.
type OutcomeError struct {
	Op     string // "queue docker-pr"
	Reason string // "Jenkins named no queue item"
}

// Error returns the operation and the reason.
func (e *OutcomeError) Error() string { return e.Op + ": " + e.Reason }

// Unwrap returns ErrOutcomeUnknown.
func (e *OutcomeError) Unwrap() error { return ErrOutcomeUnknown }

// Brief says that the outcome is unknown.
func (e *OutcomeError) Brief() string {
	return e.Reason + "; it may have worked, so check before trying again"
}

// WaitError is a wait that reached its limit. It matches ErrGaveUp.
type WaitError struct {
	What  string // "queue item 57 to start"
	Limit time.Duration
}

// Error returns what was awaited and for how long.
func (e *WaitError) Error() string {
	return fmt.Sprintf("gave up waiting for %s after %s", e.What, e.Limit)
}

// Unwrap returns ErrGaveUp.
func (e *WaitError) Unwrap() error { return ErrGaveUp }

// Brief returns the same text as Error.
func (e *WaitError) Brief() string { return e.Error() }
