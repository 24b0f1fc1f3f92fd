package jenkins

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bndr/gojenkins"
)

// Client talks to one Jenkins. It is safe for concurrent use.
type Client struct {
	cfg  Config
	root *url.URL
	req  gojenkins.JenkinsRequester
	log  *slog.Logger

	// retryWait is the wait before the second attempt of a read; it
	// doubles for each further attempt.
	retryWait time.Duration
}

// New returns a client for the Jenkins that cfg names, after filling in
// defaults and validating it. It sends nothing: the first request tells
// whether Jenkins is there (see Version).
func New(cfg Config, log *slog.Logger) (*Client, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("jenkins config: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	root, _ := url.Parse(strings.TrimSuffix(cfg.URL, "/") + "/")
	c := &Client{cfg: cfg, root: root, log: log, retryWait: 250 * time.Millisecond}
	c.req = newRequester(cfg)
	return c, nil
}

// newRequester returns gojenkins' requester with an HTTP client that does
// not follow redirects: Jenkins answers stop and toggleOffline with a
// redirect to a page gordon has no use for.
func newRequester(cfg Config) gojenkins.JenkinsRequester {
	hc := &http.Client{
		Transport: drainingTransport{base: http.DefaultTransport.(*http.Transport).Clone()},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}

	var auth []any
	if cfg.User != "" {
		auth = []any{cfg.User, cfg.Token}
	}
	return gojenkins.CreateJenkins(hc, cfg.URL, auth...).Requester
}

// Config returns the configuration the client runs with, defaults filled.
func (c *Client) Config() Config {
	return c.cfg
}

// Version asks Jenkins for its root page and returns the version it
// reports in its X-Jenkins header. It is the cheapest proof that Jenkins
// is there and accepts gordon's credentials.
func (c *Client) Version(ctx context.Context) (string, error) {
	var root struct {
		Mode string `json:"mode"`
	}
	h, err := c.getJSON(ctx, "/", map[string]string{"tree": "mode"}, &root)
	if err != nil {
		return "", fmt.Errorf("jenkins version: %w", err)
	}
	return h.Get("X-Jenkins"), nil
}

// getJSON reads the JSON API of the object at path into out, trying again
// after a failure that may pass (no answer, 5xx) until ReadAttempts is
// reached. It returns the answer's header.
func (c *Client) getJSON(ctx context.Context, path string, query map[string]string, out any) (http.Header, error) {
	for attempt := 1; ; attempt++ {
		h, err := c.getOnce(ctx, path, query, out)
		if err == nil || attempt >= c.cfg.ReadAttempts || !retryable(err) {
			return h, err
		}

		wait := c.retryWait << (attempt - 1)
		c.log.Warn("jenkins read failed; retrying", keyPath, path, keyAttempt, attempt,
			keyWait, wait, keyError, err)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// getOnce is one attempt of getJSON.
func (c *Client) getOnce(ctx context.Context, path string, query map[string]string, out any) (http.Header, error) {
	resp, err := c.do(ctx, http.MethodGet, path, func(ctx context.Context) (*http.Response, error) {
		return c.req.GetJSON(ctx, path, out, query)
	})
	if resp == nil {
		return nil, err
	}

	if resp.StatusCode != http.StatusOK {
		return resp.Header, &StatusError{Method: http.MethodGet, Path: path, Code: resp.StatusCode}
	}
	if err != nil {
		return resp.Header, fmt.Errorf("GET %s: reading the answer: %w", path, err)
	}
	return resp.Header, nil
}

// post sends a form to path once, with gojenkins' crumb. Only the status
// counts: Jenkins answers writes with pages that are not JSON, which
// gojenkins tries to decode anyway. A status of 400 or more is a
// *StatusError, returned with the response.
func (c *Client) post(ctx context.Context, path string, query map[string]string, form url.Values) (*http.Response, error) {
	resp, err := c.do(ctx, http.MethodPost, path, func(ctx context.Context) (*http.Response, error) {
		if form == nil {
			return c.req.Post(ctx, path, nil, nil, query)
		}
		return c.req.Post(ctx, path, strings.NewReader(form.Encode()), nil, query)
	})
	if resp == nil {
		return nil, err
	}

	if resp.StatusCode >= 400 {
		c.log.Warn("jenkins refused a write", keyPath, path, keyStatus, resp.StatusCode)
		return resp, &StatusError{Method: http.MethodPost, Path: path, Code: resp.StatusCode}
	}
	return resp, nil
}

// do runs one request with the per-request timeout. A request with no
// answer becomes a *NetError, unless ctx itself ended, which returns the
// context's error.
func (c *Client) do(ctx context.Context, method, path string,
	call func(context.Context) (*http.Response, error)) (*http.Response, error) {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	resp, sent, err := guard(rctx, call)
	if resp != nil {
		return resp, err
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, ctx.Err())
	}

	var uerr *url.Error
	if !sent || errors.As(err, &uerr) {
		return nil, &NetError{
			Method:    method,
			Path:      path,
			Timeout:   errors.Is(rctx.Err(), context.DeadlineExceeded) || (uerr != nil && uerr.Timeout()),
			MaybeDone: method == http.MethodPost && sent && !isDialError(err),
			Err:       err,
		}
	}
	// gojenkins turns an X-Error header into an error and drops the
	// response; Jenkins sets it on refusals it explains.
	return nil, fmt.Errorf("%s %s: jenkins says: %w", method, path, err)
}

// errCrumb stands for a panic inside gojenkins: the known one is on a
// crumb request that got no answer, before the write itself is sent.
var errCrumb = errors.New("gojenkins panicked: its crumb request got no answer")

// guard runs call and turns a panic into errCrumb, with sent false.
func guard(ctx context.Context, call func(context.Context) (*http.Response, error)) (resp *http.Response, sent bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			resp, sent, err = nil, false, fmt.Errorf("%w (%v)", errCrumb, v)
		}
	}()

	resp, err = call(ctx)
	return resp, true, err
}

// isDialError reports whether err happened before a connection existed,
// so that nothing reached Jenkins.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryable reports whether a read that failed with err is worth trying
// again at once: Jenkins refused the connection or answered with a status
// that passes. A read that timed out is not: a second wait as long as the
// first would eat the caller's time, and the caller is told Jenkins is
// slow instead.
func retryable(err error) bool {
	var status *StatusError
	if errors.As(err, &status) {
		return status.temporary()
	}

	var ne *NetError
	return errors.As(err, &ne) && !ne.Timeout
}

// transient reports whether err may pass with time, so that a long wait
// for a queue item or a build goes on through it.
func transient(err error) bool {
	return retryable(err) || errors.Is(err, ErrUnreachable)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()

	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// jobPath returns the path of a job; a job in a folder is written
// "folder/job" and lives at /job/folder/job/job.
func jobPath(job string) string {
	parts := strings.Split(strings.Trim(job, "/"), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/job/" + strings.Join(parts, "/job/")
}

// buildPath returns the path of a build.
func buildPath(job string, number int64) string {
	return fmt.Sprintf("%s/%d", jobPath(job), number)
}

// absolute resolves a URL that Jenkins gave relative to its root.
func (c *Client) absolute(ref string) string {
	u, err := c.root.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
}

// notFound turns a 404 into a *NotFoundError of kind about name, and
// leaves any other error as it is.
func notFound(err error, kind error, name string) error {
	var status *StatusError
	if errors.As(err, &status) && status.Code == http.StatusNotFound {
		return &NotFoundError{Kind: kind, Name: name}
	}
	return err
}

// millis turns a Jenkins timestamp, milliseconds since 1970, into a time.
func millis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
