package github

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	gh "github.com/google/go-github/v62/github"
)

// APIError is an answer of GitHub's that is not a success: its status
// and GitHub's message. One for a 404 matches ErrNotFound.
type APIError struct {
	Status  int
	Message string
}

// Error returns the status and GitHub's message, "422 Validation Failed".
func (e *APIError) Error() string {
	text := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	if e.Message != "" && e.Message != http.StatusText(e.Status) {
		text += ": " + e.Message
	}
	return text
}

// Brief says what GitHub answered, for a person.
func (e *APIError) Brief() string {
	return "GitHub answered " + e.Error()
}

// Is matches ErrNotFound for a 404.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

// Temporary reports whether the same call may work later: GitHub failing
// or busy, not refusing.
func (e *APIError) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

// Temporary reports whether err, from a Client method, may pass: a rate
// limit, GitHub failing, unreachable or slow, or ctx ending. Anything
// else is GitHub refusing the call, which repeating will not change.
func Temporary(err error) bool {
	var rl *RateLimitError
	var api *APIError
	var netErr net.Error
	switch {
	case err == nil:
		return false
	case errors.As(err, &rl):
		return true
	case errors.As(err, &api):
		return api.Temporary()
	case errors.As(err, &netErr):
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// apiError turns go-github's errors into this package's: an *APIError for
// an answer, a *RateLimitError for a limit go-github itself refused on.
// Other errors, such as the network's, pass as they are.
func apiError(err error) error {
	var resp *gh.ErrorResponse
	var primary *gh.RateLimitError
	var secondary *gh.AbuseRateLimitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &primary):
		return &RateLimitError{Until: primary.Rate.Reset.Time}
	case errors.As(err, &secondary):
		return &RateLimitError{Secondary: true, Until: secondaryUntil(secondary)}
	case errors.As(err, &resp) && resp.Response != nil:
		return &APIError{Status: resp.Response.StatusCode, Message: resp.Message}
	}
	return err
}

// secondaryUntil is when a secondary limit go-github met lifts.
func secondaryUntil(e *gh.AbuseRateLimitError) time.Time {
	if e.RetryAfter == nil {
		return time.Now().Add(secondaryPause)
	}
	return time.Now().Add(*e.RetryAfter)
}

// opKey carries the name of the call a request belongs to, for the
// metrics the transport keeps.
type opKey struct{}

// Calls, as the op label of the metrics names them.
const (
	opListCommits = "list_commits"
	opSetStatus   = "set_status"
	opComment     = "comment"
	opPermission  = "permission"
	opOther       = "other"
)

func withOp(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, opKey{}, op)
}

func opOf(ctx context.Context) string {
	if op, ok := ctx.Value(opKey{}).(string); ok {
		return op
	}
	return opOther
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()

	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
