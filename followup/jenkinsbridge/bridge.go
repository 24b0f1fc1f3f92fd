package jenkinsbridge

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/followup"
	"github.com/gordonbot/gordon/integrations/jenkins"
)

// Bridge passes the calls of the rebuild, build and builds commands and
// of the follow-ups to a Jenkins client.
type Bridge struct {
	c       *jenkins.Client
	metrics *metrics
}

var (
	_ commands.RebuildJenkins = (*Bridge)(nil)
	_ commands.Jenkins        = (*Bridge)(nil)
	_ followup.Jenkins        = (*Bridge)(nil)
)

// New returns a bridge to c whose metrics are registered with reg; a nil
// reg leaves them unregistered.
func New(c *jenkins.Client, reg prometheus.Registerer) *Bridge {
	return &Bridge{c: c, metrics: newMetrics(reg)}
}

// QueueBuild queues a build of job; see jenkins.Client.QueueBuild.
func (b *Bridge) QueueBuild(ctx context.Context, job string, params map[string]string,
	node, who string) (id int64, existing bool, err error) {
	defer b.metrics.observe(opQueueBuild, time.Now(), &err)
	return b.c.QueueBuild(ctx, job, params, node, who)
}

// Queue returns the items waiting in the queue.
func (b *Bridge) Queue(ctx context.Context) (_ []commands.JenkinsQueueItem, err error) {
	defer b.metrics.observe(opQueue, time.Now(), &err)

	items, err := b.c.Queue(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]commands.JenkinsQueueItem, len(items))
	for i, it := range items {
		out[i] = queueItem(it)
	}
	return out, nil
}

// QueueItem returns queue item id. One Jenkins forgot matches
// followup.ErrGone.
func (b *Bridge) QueueItem(ctx context.Context, id int64) (_ commands.JenkinsQueueItem, err error) {
	defer b.metrics.observe(opQueueItem, time.Now(), &err)

	it, err := b.c.QueueItem(ctx, id)
	if err != nil {
		return commands.JenkinsQueueItem{}, gone(err, jenkins.ErrNoSuchQueueItem)
	}
	return queueItem(it), nil
}

// CancelQueueItem takes item id out of the queue. An item that had
// already started is returned with its build and no error, as
// commands.RebuildJenkins asks.
func (b *Bridge) CancelQueueItem(ctx context.Context, id int64) (_ commands.JenkinsQueueItem, err error) {
	defer b.metrics.observe(opCancel, time.Now(), &err)

	it, err := b.c.CancelQueueItem(ctx, id)
	if err != nil && !(errors.Is(err, jenkins.ErrStarted) && it.Build != 0) {
		return commands.JenkinsQueueItem{}, err
	}
	return queueItem(it), nil
}

// Agents returns Jenkins' agents without its built-in node.
func (b *Bridge) Agents(ctx context.Context) (_ []commands.JenkinsAgent, err error) {
	defer b.metrics.observe(opComputers, time.Now(), &err)

	comps, err := b.c.Computers(ctx)
	if err != nil {
		return nil, err
	}
	var agents []commands.JenkinsAgent
	for _, c := range comps {
		if !c.BuiltIn {
			agents = append(agents, commands.JenkinsAgent{Name: c.Name, Offline: c.Offline, Reason: c.OfflineReason})
		}
	}
	return agents, nil
}

// Builds returns job's newest builds, at most n. A job that is gone
// matches followup.ErrGone.
func (b *Bridge) Builds(ctx context.Context, job string, n int) (_ []commands.JenkinsBuild, err error) {
	defer b.metrics.observe(opBuilds, time.Now(), &err)

	builds, err := b.c.Builds(ctx, job, n)
	return builds, gone(err, jenkins.ErrNoSuchJob)
}

// Build returns build number of job. A build that is gone matches
// followup.ErrGone.
func (b *Bridge) Build(ctx context.Context, job string, number int64) (_ commands.JenkinsBuild, err error) {
	defer b.metrics.observe(opBuild, time.Now(), &err)

	build, err := b.c.Build(ctx, job, number)
	return build, gone(err, jenkins.ErrNoSuchBuild)
}

// RecentBuilds passes on jenkins.Client.RecentBuilds, for the builds
// command.
func (b *Bridge) RecentBuilds(ctx context.Context, job string, n int) (_ []commands.JenkinsBuild, err error) {
	defer b.metrics.observe(opRecentBuilds, time.Now(), &err)
	return b.c.RecentBuilds(ctx, job, n)
}

// PRBuilds passes on jenkins.Client.PRBuilds, for the builds command.
func (b *Bridge) PRBuilds(ctx context.Context, pr int, n int) (_ []commands.JenkinsBuild, err error) {
	defer b.metrics.observe(opPRBuilds, time.Now(), &err)
	return b.c.PRBuilds(ctx, pr, n)
}

// AbortBuild passes on jenkins.Client.AbortBuild, for the cancel
// command.
func (b *Bridge) AbortBuild(ctx context.Context, job string, number int64) (_ int64, _ bool, err error) {
	defer b.metrics.observe(opAbort, time.Now(), &err)
	return b.c.AbortBuild(ctx, job, number)
}

// queueItem converts a queue item.
func queueItem(it jenkins.QueueItem) commands.JenkinsQueueItem {
	return commands.JenkinsQueueItem{ID: it.ID, Job: it.Job, Params: it.Params, Why: it.Why,
		Build: it.Build, BuildURL: it.BuildURL, Cancelled: it.Cancelled}
}

// gone marks err with followup.ErrGone when it is a not-found error of
// kind.
func gone(err error, kind error) error {
	if err == nil || !errors.Is(err, kind) {
		return err
	}
	return &goneError{err: err}
}

// goneError is an error about something Jenkins no longer has. It
// matches followup.ErrGone and whatever the client's error matches.
type goneError struct {
	err error
}

// Error returns the client's error text.
func (e *goneError) Error() string { return e.err.Error() }

// Unwrap returns the client's error and followup.ErrGone.
func (e *goneError) Unwrap() []error { return []error{e.err, followup.ErrGone} }
