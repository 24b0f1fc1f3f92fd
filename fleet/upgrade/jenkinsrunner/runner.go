package jenkinsrunner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/integrations/jenkins"
)

// ErrNoProbe is Probe's error, always: Jenkins cannot ask a node which
// version it runs.
var ErrNoProbe = errors.New("the jenkins runner cannot ask a node its version; " +
	"read it from the node's Consul metadata (upgrade version_meta) instead")

// Jenkins is what the runner needs of gordon's Jenkins client;
// *jenkins.Client has it. Its errors are the client's typed errors.
type Jenkins interface {
	// QueueBuild queues job with params, pinned to node unless node is
	// empty, and returns the queue item's id. A pinned build is refused
	// at once with jenkins.ErrNodeOffline while the node's agent is
	// offline.
	QueueBuild(ctx context.Context, job string, params map[string]string,
		node, who string) (int64, bool, error)

	// WaitForStart follows queue item id until it is a build, giving up
	// at the client's queue limit.
	WaitForStart(ctx context.Context, id int64) (jenkins.QueueItem, error)

	// WaitForResult follows a build until it ends, giving up at the
	// client's build limit.
	WaitForResult(ctx context.Context, job string, number int64) (jenkins.Build, error)

	// Builds returns the newest builds of job, newest first, at most n.
	Builds(ctx context.Context, job string, n int) ([]jenkins.Build, error)
}

// BuildError is an upgrade build that ended with a result other than
// SUCCESS.
type BuildError struct {
	Job    string
	Number int64
	URL    string
	Node   string

	// Result is Jenkins' result: FAILURE, UNSTABLE, ABORTED, NOT_BUILT.
	Result string
}

// Error names the build, its result and where to read its log:
// "upgrade-node #12 for dm-3 ended FAILURE: https://ci/job/upgrade-node/12/".
func (e *BuildError) Error() string {
	return fmt.Sprintf("%s #%d for %s ended %s: %s", e.Job, e.Number, e.Node, e.Result, e.URL)
}

// Runner upgrades each node with a Jenkins build. It is safe for
// concurrent use.
type Runner struct {
	cfg     Config
	jenkins Jenkins
	log     *slog.Logger
}

var (
	_ upgrade.Runner = (*Runner)(nil)
	_ upgrade.Prober = (*Runner)(nil)
)

// New returns a Runner for cfg, which it gives defaults and validates.
func New(cfg Config, j Jenkins, log *slog.Logger) (*Runner, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("jenkins runner: %w", err)
	}
	if j == nil {
		return nil, errors.New("jenkins runner: no jenkins client: configure [jenkins]")
	}
	if log == nil {
		log = slog.Default()
	}
	return &Runner{cfg: cfg, jenkins: j, log: log}, nil
}

// HasProbe reports false: see Probe.
func (r *Runner) HasProbe() bool {
	return false
}

// Probe returns ErrNoProbe.
func (r *Runner) Probe(context.Context, upgrade.Target) (string, error) {
	return "", ErrNoProbe
}

// Run has Jenkins upgrade t and returns when its build ended. Result's
// Output names the build, its result and URL, also when it failed.
//
// Errors: *BuildError for a build that did not succeed; the client's
// errors wrapped, such as jenkins.ErrNodeOffline for a pinned build whose
// agent is offline, jenkins.ErrCancelled for a queue item someone
// cancelled, or jenkins.ErrGaveUp at the client's limits; the caller's
// context error when ctx ended first, the build left running.
func (r *Runner) Run(ctx context.Context, t upgrade.Target) (upgrade.Result, error) {
	started := time.Now()
	params, err := r.params(t)
	if err != nil {
		return upgrade.Result{}, err
	}

	number, err := r.start(ctx, t, params)
	if err != nil {
		return upgrade.Result{Took: time.Since(started)}, err
	}
	b, err := r.jenkins.WaitForResult(ctx, r.cfg.Job, number)
	if err != nil {
		return upgrade.Result{Took: time.Since(started)}, fmt.Errorf("upgrade of %s: %w", t.Node, err)
	}
	return r.report(t, b, time.Since(started))
}

// report turns the build that ended into Run's result.
func (r *Runner) report(t upgrade.Target, b jenkins.Build, took time.Duration) (upgrade.Result, error) {
	res := upgrade.Result{Output: fmt.Sprintf("%s #%d %s %s", b.Job, b.Number, b.Result, b.URL), Took: took}
	r.log.Info("upgrade build ended", keyJob, b.Job, keyBuild, b.Number, keyNode, t.Node,
		keyResult, b.Result, keyURL, b.URL, keyDuration, took)

	if b.Result != jenkins.ResultSuccess {
		return res, &BuildError{Job: b.Job, Number: b.Number, URL: b.URL, Node: t.Node, Result: resultOf(b)}
	}
	return res, nil
}

// params returns the job's parameters for t.
func (r *Runner) params(t upgrade.Target) (map[string]string, error) {
	if t.Version == "" {
		return nil, fmt.Errorf("upgrade of %s: no version", t.Node)
	}
	params := map[string]string{r.cfg.VersionParam: t.Version}
	if r.cfg.NodeParam != "" {
		params[r.cfg.NodeParam] = t.Node
	}

	switch {
	case t.URL != "" && r.cfg.URLParam == "":
		return nil, fmt.Errorf("upgrade of %s to %s: it is a build at %s, and url_param is not set, "+
			"so the job could not find it", t.Node, t.Version, t.URL)
	case r.cfg.URLParam != "":
		params[r.cfg.URLParam] = t.URL
	}
	return params, nil
}

// start returns the build that upgrades t: one still running from before
// a restart of gordon, or a new one once it left the queue.
func (r *Runner) start(ctx context.Context, t upgrade.Target, params map[string]string) (int64, error) {
	if b, ok, err := r.running(ctx, t); err != nil || ok {
		return b.Number, err
	}

	node := ""
	if r.cfg.Pin {
		node = t.Node
	}
	id, _, err := r.jenkins.QueueBuild(ctx, r.cfg.Job, params, node, t.Who)
	if err != nil {
		return 0, r.queueFailed(t, err)
	}

	item, err := r.jenkins.WaitForStart(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("upgrade of %s: %w", t.Node, err)
	}
	r.log.Info("upgrade build started", keyJob, r.cfg.Job, keyBuild, item.Build, keyURL, item.BuildURL,
		keyNode, t.Node, keyVersion, t.Version)
	return item.Build, nil
}

// queueFailed says why the build could not be queued, and what to do
// about a pinned build refused for its agent being offline.
func (r *Runner) queueFailed(t upgrade.Target, err error) error {
	if r.cfg.Pin && errors.Is(err, jenkins.ErrNodeOffline) {
		return fmt.Errorf("upgrade of %s: %w; a pinned job cannot start on an offline agent, "+
			"so set pin = false and node_param, with a job that runs on another agent", t.Node, err)
	}
	return fmt.Errorf("upgrade of %s: %w", t.Node, err)
}

// resultOf returns the build's result, or says it has none.
func resultOf(b jenkins.Build) string {
	if b.Result == "" {
		return "without a result"
	}
	return b.Result
}
