package gating

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v62/github"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/store"
)

// The event types the gate acts on.
const (
	eventPullRequest  = "pull_request"
	eventIssueComment = "issue_comment"
)

// DefaultSHAParam is the Jenkins parameter that carries the head SHA
// when Options.SHAParam is empty.
const DefaultSHAParam = "SHA"

// handleTimeout bounds the handling of one delivery taken up again from
// the inbox, as the receiver bounds a fresh one.
const handleTimeout = 30 * time.Second

// CommitLister reads a pull request's commits; *github.Client implements
// it. Errors are the client's: github.Temporary tells those worth trying
// again.
type CommitLister interface {
	PullRequestCommits(ctx context.Context, repo string, number int) ([]github.Commit, error)
}

// Commenter comments on a pull request; *github.Client implements it.
type Commenter interface {
	Comment(ctx context.Context, repo string, number int, body string) error
}

// PermissionReader tells what a person may do on a repository, one of
// github.PermissionX; *github.Client implements it.
type PermissionReader interface {
	Permission(ctx context.Context, repo, user string) (string, error)
}

// API is the part of GitHub's API the gate calls.
type API interface {
	CommitLister
	Commenter
	PermissionReader
}

// Jenkins is what the gate does on Jenkins: queue a pull request's jobs,
// find its builds in the queue and running, and stop them. The
// jenkinsbridge.Bridge implements it. Errors a person can act on have a
// method Brief() string.
type Jenkins interface {
	QueueBuild(ctx context.Context, job string, params map[string]string, node, who string) (int64, bool, error)
	Queue(ctx context.Context) ([]commands.JenkinsQueueItem, error)
	PRBuilds(ctx context.Context, pr int, n int) ([]commands.JenkinsBuild, error)
	CancelQueueItem(ctx context.Context, id int64) (commands.JenkinsQueueItem, error)
	AbortBuild(ctx context.Context, job string, number int64) (int64, bool, error)
}

// Commander runs a command line for a person identified outside IRC;
// *commands.Dispatcher implements it.
type Commander interface {
	HandleExternal(ctx context.Context, e commands.External)
}

// Store is the part of gordon's store gating keeps its state in;
// store.Bolt and store.Memory implement it. Its errors are those of
// store.Store.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Put(ctx context.Context, key string, value []byte) error
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string) ([]store.Entry, error)
	CompareAndSwap(ctx context.Context, key string, old, new []byte) error
	Batch(ctx context.Context, ops []store.Op) error
}

var _ Store = (store.Store)(nil)

// Options wire a Gate.
type Options struct {
	// Repos are the owner/name of the gated repositories.
	Repos []string

	// Jobs are the Jenkins jobs that test a pull request. PRParam
	// carries its number ("PR" when empty), SHAParam its head commit
	// (DefaultSHAParam when empty); every job must take both.
	Jobs     []string
	PRParam  string
	SHAParam string

	API       API
	Jenkins   Jenkins
	Followups commands.Followups
	Statuses  *Statuses
	Inbox     *Inbox
	Store     Store

	// Commander runs /rebuild comments as the rebuild command; nil
	// leaves comments alone.
	Commander Commander

	// PermissionTTL is how long a person's permission is trusted
	// before it is asked again; zero is five minutes.
	PermissionTTL time.Duration

	// Logger gets one line per pull request gated and per comment acted
	// on; nil discards.
	Logger *slog.Logger

	// Registerer gets the metrics; nil leaves them unregistered.
	Registerer prometheus.Registerer

	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Gate gates pull requests and acts on /rebuild comments. It is the
// receiver's EventHandler for those events: with Wants, Durable and an
// Inbox as the receiver's delivery log, every delivery it acts on is
// stored before GitHub is answered, and Run takes up again those a
// crash or a failure left.
type Gate struct {
	opts    Options
	repos   map[string]string // configured spelling, by lower case
	log     *slog.Logger
	metrics *metrics
	prs     *prStates
	access  *access
	now     func() time.Time
	started time.Time

	mu       sync.Mutex
	inFlight map[string]bool // delivery ids being handled
}

var _ github.EventHandler = (*Gate)(nil)

// New returns a gate for opts.
func New(opts Options) (*Gate, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	opts = withDefaults(opts)

	g := &Gate{opts: opts, repos: map[string]string{}, log: opts.Logger, metrics: newMetrics(opts.Registerer),
		prs: newPRStates(opts.Store), access: newAccess(opts.API, opts.PermissionTTL, opts.Now),
		now: opts.Now, started: opts.Now(), inFlight: map[string]bool{}}
	for _, r := range opts.Repos {
		g.repos[strings.ToLower(r)] = r
	}
	return g, nil
}

// checkOptions refuses a gate that could not do its work.
func checkOptions(opts Options) error {
	var missing []string
	for name, ok := range map[string]bool{"repos": len(opts.Repos) > 0, "jobs": len(opts.Jobs) > 0,
		"API": opts.API != nil, "Jenkins": opts.Jenkins != nil, "Followups": opts.Followups != nil,
		"Statuses": opts.Statuses != nil, "Inbox": opts.Inbox != nil, "Store": opts.Store != nil} {
		if !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("gating: missing %s", strings.Join(slices.Sorted(slices.Values(missing)), ", "))
	}
	return nil
}

func withDefaults(opts Options) Options {
	if opts.PRParam == "" {
		opts.PRParam = "PR"
	}
	if opts.SHAParam == "" {
		opts.SHAParam = DefaultSHAParam
	}
	if opts.PermissionTTL == 0 {
		opts.PermissionTTL = 5 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return opts
}

// Wants tells the receiver which event types the gate needs parsed.
func (g *Gate) Wants(eventType string) bool {
	return eventType == eventPullRequest || eventType == eventIssueComment
}

// Durable tells the receiver which events the gate acts on, so that
// their deliveries are stored, body and all, before GitHub is answered.
func (g *Gate) Durable(e github.Event) bool {
	switch p := e.Payload.(type) {
	case *gh.PullRequestEvent:
		_, ok := g.gatedPR(p)
		return ok
	case *gh.IssueCommentEvent:
		_, ok := g.rebuildComment(p)
		return ok
	}
	return false
}

// HandleEvent gates a pull request event or acts on a /rebuild comment,
// and drops every other event. A delivery it acts on leaves the inbox
// once handled, or once its failure is one that trying again would not
// change; otherwise Run tries it again.
func (g *Gate) HandleEvent(ctx context.Context, e github.Event) error {
	if !g.Durable(e) || !g.enter(e.Delivery) {
		return nil
	}
	defer g.leave(e.Delivery)

	err := g.act(ctx, e)
	g.settle(ctx, e.Delivery, err)
	return err
}

// act does what e asks for.
func (g *Gate) act(ctx context.Context, e github.Event) error {
	switch p := e.Payload.(type) {
	case *gh.PullRequestEvent:
		return g.pullRequest(ctx, e, p)
	case *gh.IssueCommentEvent:
		return g.comment(ctx, e, p)
	}
	return nil
}

// settle takes a handled delivery out of the inbox, or notes a failure
// worth another try.
func (g *Gate) settle(ctx context.Context, id string, err error) {
	ctx = context.WithoutCancel(ctx)
	if err != nil && retryable(err) {
		if ierr := g.opts.Inbox.failed(ctx, id, g.now()); ierr != nil {
			g.log.Error("failed github delivery not noted; it is retried as left", keyDelivery, id, keyError, ierr)
		}
		return
	}
	if ierr := g.opts.Inbox.Done(ctx, id); ierr != nil {
		g.log.Error("handled github delivery not taken out of the inbox; it may be acted on again",
			keyDelivery, id, keyError, ierr)
	}
}

// retryable reports whether trying a failed delivery again may help:
// anything but GitHub refusing a call for good.
func retryable(err error) bool {
	var api *github.APIError
	if errors.As(err, &api) {
		return api.Temporary()
	}
	return !errors.Is(err, github.ErrMalformed)
}

// enter marks a delivery as being handled; false when it already is.
func (g *Gate) enter(id string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()

	if g.inFlight[id] {
		return false
	}
	g.inFlight[id] = true
	return true
}

func (g *Gate) leave(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.inFlight, id)
}

// gated returns the configured spelling of repo when it is gated.
func (g *Gate) gated(repo string) (string, bool) {
	r, ok := g.repos[strings.ToLower(repo)]
	return r, ok
}
