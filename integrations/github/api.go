package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of APIOptions.
const (
	// DefaultMaxWait is how long a call may wait for a rate limit to
	// lift: well inside the time the receiver gives a handler.
	DefaultMaxWait = 15 * time.Second

	// DefaultWriteGap spaces writes (statuses, comments) as GitHub asks
	// of integrations that would rather not meet its secondary limits.
	DefaultWriteGap = time.Second

	// responseTimeout bounds the wait for an answer's headers.
	responseTimeout = 30 * time.Second
)

// maxCommitPages bounds the pages of a pull request's commits read:
// GitHub lists at most 250 commits of one, 100 a page.
const maxCommitPages = 3

// commitsPerPage is the largest page GitHub serves.
const commitsPerPage = 100

// Commit states that a Status may set.
const (
	StatePending = "pending"
	StateSuccess = "success"
	StateFailure = "failure"
	StateError   = "error"
)

// Permissions a person may have on a repository, as Permission returns
// them; maintainers are "write" and triagers "read" there.
const (
	PermissionAdmin = "admin"
	PermissionWrite = "write"
	PermissionRead  = "read"
	PermissionNone  = "none"
)

// ErrNoToken means the API client was made without a token.
var ErrNoToken = errors.New("no github api token configured")

// ErrNotFound matches an *APIError for a 404: a repository, pull request
// or person GitHub does not have, or one the token may not see.
var ErrNotFound = errors.New("not found on github")

// APIOptions are the API client's dependencies and limits.
type APIOptions struct {
	// Transport carries the requests; nil is a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper

	// Logger gets a line for each wait on a rate limit; nil discards.
	Logger *slog.Logger

	// Registerer gets the client's metrics; nil leaves them
	// unregistered.
	Registerer prometheus.Registerer

	// MaxWait bounds how long one call waits for a rate limit to lift;
	// a longer wait fails at once with a *RateLimitError. Zero is
	// DefaultMaxWait.
	MaxWait time.Duration

	// WriteGap is the least time between two writes. Zero is
	// DefaultWriteGap; a negative gap lets writes go back to back.
	WriteGap time.Duration

	// Now and Sleep are the clock the limits are kept with; nil is the
	// real one.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client calls GitHub's REST API through go-github. Under go-github,
// its transport waits out rate limits (remaining and reset, secondary
// limits and Retry-After), spaces writes, and makes reads conditional on
// the ETag of the last answer, so that an unchanged answer costs no
// quota. It is safe for concurrent use.
type Client struct {
	gh *gh.Client
}

// Commit is a commit of a pull request.
type Commit struct {
	SHA     string
	Message string

	// Parents counts the commit's parents: more than one is a merge.
	Parents int
}

// Status is a commit status: one context's verdict on a commit.
type Status struct {
	// State is one of the StateX values.
	State string

	// Context names the check, such as "gordon/sign-off".
	Context string

	// Description is one short line; GitHub keeps 140 characters.
	Description string

	// TargetURL links the verdict to its details, such as a build.
	TargetURL string
}

// NewClient returns a client for cfg's API root, authenticated with
// cfg's token. It returns an error wrapping ErrNoToken without a token.
func NewClient(cfg Config, opts APIOptions) (*Client, error) {
	if cfg.Token == "" {
		return nil, fmt.Errorf("github api client: %w", ErrNoToken)
	}
	base, err := apiBase(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	opts = apiDefaults(opts)

	m := newAPIMetrics(opts.Registerer)
	lim := newLimiter(opts, m)
	hc := &http.Client{Transport: newETagCache(lim)}
	c := gh.NewClient(hc).WithAuthToken(cfg.Token)
	c.BaseURL = base
	c.UserAgent = "gordon"
	return &Client{gh: c}, nil
}

// apiBase parses the API root, with the trailing slash go-github needs.
func apiBase(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultAPIURL
	}
	if msg := checkAPIURL(raw); msg != "" {
		return nil, fmt.Errorf("github api_url: %s", msg)
	}

	u, _ := url.Parse(raw)
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

func apiDefaults(opts APIOptions) APIOptions {
	if opts.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = responseTimeout
		opts.Transport = t
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxWait == 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.WriteGap == 0 {
		opts.WriteGap = DefaultWriteGap
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	return opts
}

// PullRequestCommits returns the commits of pull request number of repo
// ("owner/name"), oldest first: at most 250, which is all GitHub lists.
func (c *Client) PullRequestCommits(ctx context.Context, repo string, number int) ([]Commit, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return nil, err
	}
	ctx = withOp(ctx, opListCommits)

	var commits []Commit
	opts := &gh.ListOptions{PerPage: commitsPerPage}
	for page := 0; page < maxCommitPages; page++ {
		got, resp, err := c.gh.PullRequests.ListCommits(ctx, owner, name, number, opts)
		if err != nil {
			return nil, fmt.Errorf("list commits of %s#%d: %w", repo, number, apiError(err))
		}
		for _, rc := range got {
			commits = append(commits, commitOf(rc))
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return commits, nil
}

func commitOf(rc *gh.RepositoryCommit) Commit {
	return Commit{SHA: rc.GetSHA(), Message: rc.GetCommit().GetMessage(), Parents: len(rc.Parents)}
}

// SetStatus sets status s on commit sha of repo.
func (c *Client) SetStatus(ctx context.Context, repo, sha string, s Status) error {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return err
	}

	st := &gh.RepoStatus{State: gh.String(s.State), Context: gh.String(s.Context),
		Description: gh.String(clip(s.Description, maxDescription))}
	if s.TargetURL != "" {
		st.TargetURL = gh.String(s.TargetURL)
	}
	if _, _, err := c.gh.Repositories.CreateStatus(withOp(ctx, opSetStatus), owner, name, sha, st); err != nil {
		return fmt.Errorf("set status %s of %s@%s: %w", s.Context, repo, short(sha), apiError(err))
	}
	return nil
}

// Comment adds a comment with body to issue or pull request number of
// repo.
func (c *Client) Comment(ctx context.Context, repo string, number int, body string) error {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return err
	}

	comment := &gh.IssueComment{Body: gh.String(body)}
	if _, _, err := c.gh.Issues.CreateComment(withOp(ctx, opComment), owner, name, number, comment); err != nil {
		return fmt.Errorf("comment on %s#%d: %w", repo, number, apiError(err))
	}
	return nil
}

// Permission returns what user may do on repo: one of the PermissionX
// values. A user GitHub does not know has PermissionNone.
func (c *Client) Permission(ctx context.Context, repo, user string) (string, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return "", err
	}

	level, _, err := c.gh.Repositories.GetPermissionLevel(withOp(ctx, opPermission), owner, name, user)
	err = apiError(err)
	switch {
	case errors.Is(err, ErrNotFound):
		return PermissionNone, nil
	case err != nil:
		return "", fmt.Errorf("permission of %s on %s: %w", user, repo, err)
	}
	return level.GetPermission(), nil
}

// splitRepo splits "owner/name".
func splitRepo(repo string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("github repository %q is not owner/name", repo)
	}
	return owner, name, nil
}

// maxDescription is the longest status description GitHub takes.
const maxDescription = 140

// clip cuts s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// short abbreviates a commit SHA as git does.
func short(sha string) string {
	return sha[:min(len(sha), 10)]
}

// Ping asks GitHub for the quota left, which uses none, and returns nil
// when GitHub answers: it tells whether GitHub is there.
func (c *Client) Ping(ctx context.Context) error {
	if _, _, err := c.gh.RateLimit.Get(withOp(ctx, opOther)); err != nil {
		return fmt.Errorf("github: %w", apiError(err))
	}
	return nil
}
