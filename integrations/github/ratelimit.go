package github

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate limit headers GitHub sends with every API answer.
const (
	headerLimit      = "X-RateLimit-Limit"
	headerRemaining  = "X-RateLimit-Remaining"
	headerReset      = "X-RateLimit-Reset"
	headerResource   = "X-RateLimit-Resource"
	headerRetryAfter = "Retry-After"
)

// Limits of the limiter's own behaviour.
const (
	// secondaryPause is how long to stay away after a secondary limit
	// that named no time; GitHub asks for at least a minute.
	secondaryPause = time.Minute

	// resetSlack is added to a reset time, which GitHub gives to the
	// second, so that the first call after it is not refused again.
	resetSlack = time.Second

	// maxAttempts bounds the tries of one call that meets limits.
	maxAttempts = 3

	// maxPeek bounds what is read of a refusal to see whether it is a
	// secondary limit.
	maxPeek = 64 << 10
)

// RateLimitError is a call refused for a rate limit of GitHub's, or not
// made because the limit would have lifted too late: Until is when it
// lifts.
type RateLimitError struct {
	Secondary bool
	Until     time.Time
}

// Error names the limit and when it lifts.
func (e *RateLimitError) Error() string {
	kind := "rate limit"
	if e.Secondary {
		kind = "secondary rate limit"
	}
	return fmt.Sprintf("github api %s reached; it lifts at %s", kind, e.Until.UTC().Format(time.TimeOnly))
}

// Brief says the same, for a person.
func (e *RateLimitError) Brief() string {
	return "GitHub's " + strings.TrimPrefix(e.Error(), "github api ")
}

// limiter is the transport under go-github that keeps to GitHub's
// limits. It remembers the core limit from every answer and waits
// before a call that would be refused; it waits out and repeats a call
// refused for a limit, when the wait fits MaxWait and the call's
// context; and it sends writes one at a time, WriteGap apart.
type limiter struct {
	next     http.RoundTripper
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	maxWait  time.Duration
	writeGap time.Duration
	metrics  *apiMetrics
	log      *slog.Logger

	mu        sync.Mutex
	exhausted bool      // the core limit had nothing left at the last answer
	reset     time.Time // when the core limit starts again
	blocked   time.Time // until when a secondary limit holds

	// writing holds a token while a write is under way: writes go one
	// at a time. lastWrite belongs to whoever holds it.
	writing   chan struct{}
	lastWrite time.Time
}

var _ http.RoundTripper = (*limiter)(nil)

func newLimiter(opts APIOptions, m *apiMetrics) *limiter {
	return &limiter{next: opts.Transport, now: opts.Now, sleep: opts.Sleep,
		maxWait: opts.MaxWait, writeGap: opts.WriteGap, metrics: m, log: opts.Logger,
		writing: make(chan struct{}, 1)}
}

// RoundTrip sends req within the limits. A call the limits keep from
// succeeding in time fails with a *RateLimitError.
func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if isWrite(req.Method) {
		if err := l.startWrite(ctx); err != nil {
			closeBody(req)
			return nil, err
		}
		defer func() { <-l.writing }()
	}

	for attempt := 1; ; attempt++ {
		if err := l.waitForLimits(ctx); err != nil {
			closeBody(req)
			return nil, err
		}

		resp, err := l.send(req, attempt)
		if err != nil {
			return nil, err
		}
		limit := l.observe(resp)
		if limit == nil {
			return resp, nil
		}

		discard(resp)
		l.metrics.limited(limit.Secondary)
		if attempt == maxAttempts || req.Body != nil && req.GetBody == nil {
			return nil, limit
		}
	}
}

// startWrite waits for the write under way, if any, and then until
// WriteGap has passed since it started. On success the caller holds the
// write token and gives it back when done.
func (l *limiter) startWrite(ctx context.Context) error {
	select {
	case l.writing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}

	if l.writeGap > 0 && !l.lastWrite.IsZero() {
		if d := l.lastWrite.Add(l.writeGap).Sub(l.now()); d > 0 {
			if err := l.sleep(ctx, d); err != nil {
				<-l.writing
				return err
			}
		}
	}
	l.lastWrite = l.now()
	return nil
}

// waitForLimits waits until the limits known allow a call, or returns a
// *RateLimitError when that would take longer than MaxWait or than ctx
// allows.
func (l *limiter) waitForLimits(ctx context.Context) error {
	until, secondary := l.liftsAt()
	now := l.now()
	if !until.After(now) {
		return nil
	}

	wait := until.Sub(now)
	deadline, has := ctx.Deadline()
	if wait > l.maxWait || has && now.Add(wait).After(deadline) {
		return &RateLimitError{Secondary: secondary, Until: until}
	}
	l.log.Warn("waiting for a github rate limit", keyWait, wait, keySecondary, secondary,
		keyOp, opOf(ctx))
	l.metrics.waited.Add(wait.Seconds())
	return l.sleep(ctx, wait)
}

// liftsAt returns when the limits known let the next call through, and
// whether a secondary limit is the later one.
func (l *limiter) liftsAt() (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()

	var until time.Time
	if l.exhausted {
		until = l.reset.Add(resetSlack)
	}
	if l.blocked.After(until) {
		return l.blocked, true
	}
	return until, false
}

// send makes one attempt; a repeated one gets a fresh copy of the body.
func (l *limiter) send(req *http.Request, attempt int) (*http.Response, error) {
	if attempt > 1 && req.Body != nil && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("github api: repeat %s %s: %w", req.Method, req.URL.Path, err)
		}
		req = req.Clone(req.Context())
		req.Body = body
	}

	resp, err := l.next.RoundTrip(req)
	l.metrics.request(opOf(req.Context()), resp, err)
	return resp, err
}

// observe keeps the core limit that resp reports, and returns the limit
// that refused it, if one did.
func (l *limiter) observe(resp *http.Response) *RateLimitError {
	l.keepCore(resp.Header)

	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return nil
	}
	if after, ok := retryAfterHeader(resp.Header); ok {
		return l.block(l.now().Add(after))
	}
	if resp.Header.Get(headerRemaining) == "0" {
		return &RateLimitError{Until: l.coreReset().Add(resetSlack)}
	}
	if resp.StatusCode == http.StatusTooManyRequests || mentionsSecondary(resp) {
		return l.block(l.now().Add(secondaryPause))
	}
	return nil
}

// keepCore remembers what h says of the core limit and shows it in the
// metrics.
func (l *limiter) keepCore(h http.Header) {
	resource := h.Get(headerResource)
	if resource == "" {
		resource = "core"
	}
	remaining, errRemaining := strconv.Atoi(h.Get(headerRemaining))
	limit, errLimit := strconv.Atoi(h.Get(headerLimit))
	reset, errReset := strconv.ParseInt(h.Get(headerReset), 10, 64)
	if errRemaining != nil || errLimit != nil || errReset != nil {
		return
	}
	l.metrics.rate(resource, remaining, limit, reset)
	if resource != "core" {
		return
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	l.exhausted = remaining == 0
	l.reset = time.Unix(reset, 0)
}

func (l *limiter) coreReset() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reset
}

// block keeps every call away until t, for a secondary limit.
func (l *limiter) block(t time.Time) *RateLimitError {
	l.mu.Lock()
	defer l.mu.Unlock()

	if t.After(l.blocked) {
		l.blocked = t
	}
	return &RateLimitError{Secondary: true, Until: l.blocked}
}

// retryAfterHeader reads Retry-After in seconds, as GitHub writes it.
func retryAfterHeader(h http.Header) (time.Duration, bool) {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get(headerRetryAfter)))
	if err != nil || s < 0 {
		return 0, false
	}
	return time.Duration(s) * time.Second, true
}

// mentionsSecondary reports whether a refusal's body names a secondary
// limit, which GitHub does not always mark with a header. The body is
// put back for whoever reads the answer.
func mentionsSecondary(resp *http.Response) bool {
	peek, err := io.ReadAll(io.LimitReader(resp.Body, maxPeek))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(peek), resp.Body), resp.Body}
	if err != nil {
		return false
	}
	return bytes.Contains(bytes.ToLower(peek), []byte("secondary rate limit"))
}

// isWrite reports whether a method changes something on GitHub.
func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}

// discard reads and closes an answer that will not be handed on, so
// that its connection can be used again.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxPeek))
	resp.Body.Close()
}

// closeBody closes a request body that will not be sent, as a
// RoundTripper must.
func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
