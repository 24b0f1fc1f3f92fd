package followup

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/gordonbot/gordon/commands"
)

// Operations, as the request metrics name them.
const (
	opQueue     = "queue"
	opQueueItem = "queue_item"
	opBuilds    = "builds"
	opBuild     = "build"
)

// look is what one round learned about one follow-up. At most one of
// its parts is set; none means nothing was learned.
type look struct {
	// waiting is set while the item is in the queue, with Jenkins' why.
	waiting bool
	why     string

	// build is the build the item became, running or ended.
	build *commands.JenkinsBuild

	cancelled bool

	// gone says, for people, that Jenkins no longer has the item or its
	// build.
	gone string

	// err is a read this follow-up depends on that failed.
	err error
}

// Poll runs one round over the open follow-ups: it reads what they need
// from Jenkins, then reports and records what changed. It returns false
// when a read failed, so that the caller waits longer. Run calls it;
// tests and benchmarks call it to drive rounds themselves.
func (e *Engine) Poll(ctx context.Context, out commands.Replier) bool {
	recs := e.Open()
	if len(recs) == 0 {
		return true
	}

	looks := e.observe(ctx, recs)
	if ctx.Err() != nil {
		return true
	}

	healthy := true
	for _, r := range recs {
		l := looks[r.QueueID]
		healthy = healthy && l.err == nil
		e.settle(ctx, out, r, l)
	}
	return healthy
}

// observe reads what recs need: the queue once for those still queued,
// each job's newest builds once for its several builds, and a lone build
// or queue item on its own.
func (e *Engine) observe(ctx context.Context, recs []Record) map[int64]*look {
	looks := make(map[int64]*look, len(recs))
	for _, r := range recs {
		looks[r.QueueID] = &look{}
	}

	left := e.checkQueue(ctx, recs, looks)
	rest := e.scanJobs(ctx, recs, left, looks)
	for _, r := range rest {
		if r.State == StateRunning {
			e.readBuild(ctx, r, looks[r.QueueID])
		} else {
			e.readItem(ctx, r, looks[r.QueueID])
		}
	}
	return looks
}

// call makes one paced read of Jenkins and counts it.
func (e *Engine) call(ctx context.Context, op string, read func(context.Context) error) error {
	if err := e.pace.wait(ctx); err != nil {
		return err
	}
	err := read(ctx)
	e.metrics.request(op, err)
	return err
}

// checkQueue reads the queue when any follow-up is still queued, marks
// those waiting, and returns those that left it.
func (e *Engine) checkQueue(ctx context.Context, recs []Record, looks map[int64]*look) []Record {
	queued := slices.DeleteFunc(slices.Clone(recs), func(r Record) bool { return r.State != StateQueued })
	if len(queued) == 0 {
		return nil
	}

	var items []commands.JenkinsQueueItem
	err := e.call(ctx, opQueue, func(ctx context.Context) (err error) {
		items, err = e.jenkins.Queue(ctx)
		return err
	})
	if err != nil {
		for _, r := range queued {
			looks[r.QueueID].err = fmt.Errorf("read the queue: %w", err)
		}
		return nil
	}

	waiting := make(map[int64]string, len(items))
	for _, it := range items {
		waiting[it.ID] = it.Why
	}
	var left []Record
	for _, r := range queued {
		why, ok := waiting[r.QueueID]
		if !ok {
			left = append(left, r)
			continue
		}
		looks[r.QueueID].waiting, looks[r.QueueID].why = true, why
	}
	return left
}

// scanJobs reads the newest builds of each job that has several builds
// to find: those running and those that just left the queue. It returns
// the follow-ups the scan did not settle, to be read one by one.
func (e *Engine) scanJobs(ctx context.Context, recs, left []Record, looks map[int64]*look) []Record {
	byJob := map[string][]Record{}
	for _, r := range recs {
		if r.State == StateRunning {
			byJob[r.Job] = append(byJob[r.Job], r)
		}
	}
	for _, r := range left {
		byJob[r.Job] = append(byJob[r.Job], r)
	}

	var rest []Record
	for _, job := range slices.Sorted(maps.Keys(byJob)) {
		group := byJob[job]
		if len(group) == 1 {
			rest = append(rest, group[0])
			continue
		}
		rest = append(rest, e.scanJob(ctx, job, group, looks)...)
	}
	return rest
}

// scanJob reads job's newest builds, deep enough to reach the oldest one
// followed, and matches group against them: a running follow-up by its
// build number, one that left the queue by its queue id.
func (e *Engine) scanJob(ctx context.Context, job string, group []Record, looks map[int64]*look) []Record {
	var builds []commands.JenkinsBuild
	err := e.call(ctx, opBuilds, func(ctx context.Context) (err error) {
		builds, err = e.jenkins.Builds(ctx, job, e.depth(job, group))
		return err
	})
	if err != nil {
		for _, r := range group {
			markFailed(looks[r.QueueID], "read the builds of "+job, err)
		}
		return nil
	}
	if len(builds) > 0 {
		e.newest[job] = max(e.newest[job], builds[0].Number)
	}

	byNumber := make(map[int64]int, len(builds))
	byQueue := make(map[int64]int, len(builds))
	for i, b := range builds {
		byNumber[b.Number], byQueue[b.QueueID] = i, i
	}

	var rest []Record
	for _, r := range group {
		i, ok := byQueue[r.QueueID]
		if r.State == StateRunning {
			i, ok = byNumber[r.Build]
		}
		if !ok {
			rest = append(rest, r)
			continue
		}
		looks[r.QueueID].build = &builds[i]
	}
	return rest
}

// depth returns how many of job's newest builds to read so that the
// oldest running build of group is among them, with room for those of
// group that just left the queue: the config's ScanDepth at least,
// maxScanDepth at most.
func (e *Engine) depth(job string, group []Record) int {
	newest, oldest, fresh := e.newest[job], int64(0), 0
	for _, r := range group {
		if r.State != StateRunning {
			fresh++
			continue
		}
		newest = max(newest, r.Build)
		if oldest == 0 || r.Build < oldest {
			oldest = r.Build
		}
	}

	d := e.cfg.ScanDepth + fresh
	if oldest > 0 {
		d += int(newest - oldest + 1)
	}
	return min(d, maxScanDepth)
}

// readBuild reads the running build of r.
func (e *Engine) readBuild(ctx context.Context, r Record, l *look) {
	var b commands.JenkinsBuild
	err := e.call(ctx, opBuild, func(ctx context.Context) (err error) {
		b, err = e.jenkins.Build(ctx, r.Job, r.Build)
		return err
	})
	if err != nil {
		markFailed(l, fmt.Sprintf("read %s #%d", r.Job, r.Build), err)
		return
	}
	l.build = &b
}

// readItem reads the queue item of r, which left the queue, and the
// build it became. An item Jenkins forgot, as it does a few minutes after
// it left the queue, is looked for among the job's newest builds.
func (e *Engine) readItem(ctx context.Context, r Record, l *look) {
	var it commands.JenkinsQueueItem
	err := e.call(ctx, opQueueItem, func(ctx context.Context) (err error) {
		it, err = e.jenkins.QueueItem(ctx, r.QueueID)
		return err
	})

	switch {
	case errors.Is(err, ErrGone):
		e.findByQueueID(ctx, r, l)
	case err != nil:
		l.err = fmt.Errorf("read queue item %d: %w", r.QueueID, err)
	case it.Cancelled:
		l.cancelled = true
	case it.Build != 0:
		e.readBuild(ctx, Record{Job: r.Job, Build: it.Build}, l)
	default:
		// It went back to waiting between the two reads.
		l.waiting, l.why = true, it.Why
	}
}

// findByQueueID looks for the build of r among its job's newest builds.
func (e *Engine) findByQueueID(ctx context.Context, r Record, l *look) {
	rest := e.scanJob(ctx, r.Job, []Record{r}, map[int64]*look{r.QueueID: l})
	if len(rest) > 0 && l.err == nil && l.gone == "" {
		l.gone = fmt.Sprintf("Jenkins no longer knows queue item %d", r.QueueID)
	}
}

// markFailed sets the failure of the read what on l: gone when Jenkins no
// longer has what was read, a passing error otherwise.
func markFailed(l *look, what string, err error) {
	if errors.Is(err, ErrGone) {
		l.gone = "Jenkins no longer has it (" + brief(err) + ")"
		return
	}
	l.err = fmt.Errorf("%s: %w", what, err)
}
