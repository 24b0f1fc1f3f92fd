package gating

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"

	"github.com/gordonbot/gordon/commands"
)

// prBuildsScan is how many builds of a pull request, per job, are looked
// at for ones still running.
const prBuildsScan = 20

// stopStale stops the pull request's builds of other heads: it cancels
// their queue items and aborts those running. It returns the jobs that
// already have a build of ev's head queued or running, which are not
// queued again. Reading Jenkins failing is an error; stopping one build
// failing is logged, and the others are still stopped.
//
// A build carries its head in the SHA parameter when gating queued it.
// One without, a rebuild asked for on IRC, is taken as the pull
// request's only when a single repository is gated, since the PR
// parameter carries the number alone.
func (g *Gate) stopStale(ctx context.Context, log *slog.Logger, ev prEvent) (map[string]bool, error) {
	items, err := g.opts.Jenkins.Queue(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the queue for %s#%d: %w", ev.repo, ev.number, err)
	}
	builds, err := g.opts.Jenkins.PRBuilds(ctx, ev.number, prBuildsScan)
	if err != nil {
		return nil, fmt.Errorf("read the builds of %s#%d: %w", ev.repo, ev.number, err)
	}

	current := map[string]bool{}
	for _, it := range items {
		switch {
		case !g.ofPR(it.Job, it.Params, ev):
		case g.ofHead(it.Params, ev):
			current[it.Job] = true
		default:
			g.cancelItem(ctx, log, it)
		}
	}
	for _, b := range builds {
		switch {
		case !b.Building || !g.ofPR(b.Job, b.Params, ev):
		case g.ofHead(b.Params, ev):
			current[b.Job] = true
		default:
			g.abort(ctx, log, b.Job, b.Number)
		}
	}
	return current, nil
}

// ofPR reports whether a build of job with params belongs to ev's pull
// request.
func (g *Gate) ofPR(job string, params map[string]string, ev prEvent) bool {
	if !slices.Contains(g.opts.Jobs, job) || params[g.opts.PRParam] != strconv.Itoa(ev.number) {
		return false
	}
	return params[g.opts.SHAParam] != "" || len(g.repos) == 1
}

// ofHead reports whether a build with params tests ev's head, which a
// closed pull request has none of.
func (g *Gate) ofHead(params map[string]string, ev prEvent) bool {
	return ev.action != actionClosed && params[g.opts.SHAParam] == ev.head
}

// cancelItem takes a stale item out of the queue, or aborts the build it
// became meanwhile.
func (g *Gate) cancelItem(ctx context.Context, log *slog.Logger, it commands.JenkinsQueueItem) {
	left, err := g.opts.Jenkins.CancelQueueItem(ctx, it.ID)
	switch {
	case err != nil:
		g.metrics.builds.WithLabelValues(buildNotStopped).Inc()
		log.Warn("stale queue item not cancelled", keyJob, it.Job, keyQueueID, it.ID, keyError, err)
	case left.Build != 0:
		g.abort(ctx, log, it.Job, left.Build)
	default:
		g.metrics.builds.WithLabelValues(buildStopped).Inc()
		log.Info("stale queue item cancelled", keyJob, it.Job, keyQueueID, it.ID)
	}
}

// abort stops a stale running build.
func (g *Gate) abort(ctx context.Context, log *slog.Logger, job string, number int64) {
	if _, _, err := g.opts.Jenkins.AbortBuild(ctx, job, number); err != nil {
		g.metrics.builds.WithLabelValues(buildNotStopped).Inc()
		log.Warn("stale build not aborted", keyJob, job, keyBuild, number, keyError, err)
		return
	}
	g.metrics.builds.WithLabelValues(buildStopped).Inc()
	log.Info("stale build aborted", keyJob, job, keyBuild, number)
}

// build queues every PR job for ev's head but those in current, and
// follows each with a pending status. A job that could not be queued or
// followed gets an error status, and makes the error returned.
func (g *Gate) build(ctx context.Context, log *slog.Logger, ev prEvent, current map[string]bool) error {
	var errs []error
	for _, job := range g.opts.Jobs {
		if current[job] {
			g.metrics.builds.WithLabelValues(buildAlreadyQueued).Inc()
			log.Debug("build of this head already there", keyJob, job)
			continue
		}
		if err := g.queue(ctx, log, ev, job); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// queue queues one job for ev's head, tracks it for its status, then
// has it followed. Tracking comes first, so that the build cannot end
// before its status is known.
func (g *Gate) queue(ctx context.Context, log *slog.Logger, ev prEvent, job string) error {
	params := map[string]string{g.opts.PRParam: strconv.Itoa(ev.number), g.opts.SHAParam: ev.head}
	who := "github:" + ev.sender
	id, existing, err := g.opts.Jenkins.QueueBuild(ctx, job, params, "", who)
	if err != nil {
		g.metrics.builds.WithLabelValues(buildNotQueued).Inc()
		g.opts.Statuses.NotQueued(ctx, ev.repo, ev.head, job, brief(err))
		return fmt.Errorf("queue %s for %s#%d: %w", job, ev.repo, ev.number, err)
	}

	b := Build{Repo: ev.repo, PR: ev.number, SHA: ev.head, Job: job, QueueID: id}
	if err := g.opts.Statuses.Track(ctx, b); err != nil {
		return err
	}
	f := commands.Followup{Job: job, QueueID: id, PR: ev.number, Who: who,
		Target: statusTarget(ev.repo, ev.number), Asked: g.now()}
	if err := g.opts.Followups.Follow(ctx, f); err != nil {
		g.opts.Statuses.Abandon(ctx, b, "gordon could not follow the build")
		return fmt.Errorf("follow %s queue item %d: %w", job, id, err)
	}

	g.metrics.builds.WithLabelValues(buildQueued).Inc()
	log.Info("pull request build queued", keyJob, job, keyQueueID, id, keyExisting, existing)
	return nil
}

// briefer is an error that says what went wrong in one short line.
type briefer interface {
	Brief() string
}

// brief returns err's brief line, or its text when it has none.
func brief(err error) string {
	var b briefer
	if errors.As(err, &b) {
		return b.Brief()
	}
	return err.Error()
}
