package jenkins

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/bndr/gojenkins"
)

// Build is one build of a job.
//
// It is an alias of a plain struct type, not a named type, so that a
// package which may not import this one (gordon's commands) can declare
// the identical type, and methods returning it satisfy that package's
// interfaces as they are. Its fields must change in both places at once.
type Build = struct {
	Job    string
	Number int64
	URL    string

	// Result is one of the ResultX values, "" while the build runs.
	Result   string
	Building bool

	Started  time.Time
	Duration time.Duration // 0 while the build runs

	// BuiltOn is the node that ran it; "" for Jenkins' built-in node.
	BuiltOn string
	QueueID int64
	Params  map[string]string
}

// The results a build ends with.
const (
	ResultSuccess  = "SUCCESS"
	ResultUnstable = "UNSTABLE"
	ResultFailure  = "FAILURE"
	ResultNotBuilt = "NOT_BUILT"
	ResultAborted  = "ABORTED"
)

// buildFields is the part of a build's JSON that Build needs.
const buildFields = "number,url,result,building,timestamp,duration,builtOn,queueId," +
	"actions[parameters[name,value]]"

// scanDepth is how many of a job's newest builds are searched for a
// parameter value; Jenkins lists about 100 without being asked for all.
const scanDepth = 100

// build converts gojenkins' build JSON.
func build(job string, raw gojenkins.BuildResponse) Build {
	b := Build{
		Job:      job,
		Number:   raw.Number,
		URL:      raw.URL,
		Result:   raw.Result,
		Building: raw.Building,
		Started:  millis(raw.Timestamp),
		Duration: time.Duration(raw.Duration) * time.Millisecond,
		BuiltOn:  raw.BuiltOn,
		QueueID:  raw.QueueID,
	}

	for _, a := range raw.Actions {
		for _, p := range a.Parameters {
			if b.Params == nil {
				b.Params = map[string]string{}
			}
			b.Params[p.Name] = valueText(p.Value)
		}
	}
	return b
}

// buildName names a build in errors, "docker-pr #12".
func buildName(job string, number int64) string {
	return job + " #" + strconv.FormatInt(number, 10)
}

// Build returns build number of job. A build (or job) Jenkins does not
// have is a *NotFoundError matching ErrNoSuchBuild.
func (c *Client) Build(ctx context.Context, job string, number int64) (Build, error) {
	var raw gojenkins.BuildResponse
	query := map[string]string{"tree": buildFields}
	if _, err := c.getJSON(ctx, buildPath(job, number), query, &raw); err != nil {
		name := buildName(job, number)
		return Build{}, fmt.Errorf("read build %s: %w", name, notFound(err, ErrNoSuchBuild, name))
	}
	return build(job, raw), nil
}

// jenkinsBuildsListed is how many builds Jenkins lists in a job's builds
// field.
const jenkinsBuildsListed = 100

// Builds returns the newest builds of job, newest first, at most n.
func (c *Client) Builds(ctx context.Context, job string, n int) ([]Build, error) {
	// Jenkins lists only the newest 100 as builds; allBuilds has them all
	// and costs more to ask for, so it is asked for only beyond 100.
	field := "builds"
	if n > jenkinsBuildsListed {
		field = "allBuilds"
	}
	var raw struct {
		Builds    []gojenkins.BuildResponse `json:"builds"`
		AllBuilds []gojenkins.BuildResponse `json:"allBuilds"`
	}
	query := map[string]string{"tree": fmt.Sprintf("%s[%s]{0,%d}", field, buildFields, n)}
	if _, err := c.getJSON(ctx, jobPath(job), query, &raw); err != nil {
		return nil, fmt.Errorf("list builds of %s: %w", job, notFound(err, ErrNoSuchJob, job))
	}

	list := raw.Builds
	if field == "allBuilds" {
		list = raw.AllBuilds
	}
	builds := make([]Build, 0, min(len(list), n))
	for _, r := range list[:min(len(list), n)] {
		builds = append(builds, build(job, r))
	}
	return builds, nil
}

// BuildsWithParam returns the newest builds of job whose parameter name
// was value, newest first, at most n. It searches the newest 100 builds.
func (c *Client) BuildsWithParam(ctx context.Context, job, name, value string, n int) ([]Build, error) {
	all, err := c.Builds(ctx, job, scanDepth)
	if err != nil {
		return nil, err
	}

	var found []Build
	for _, b := range all {
		if v, ok := b.Params[name]; ok && v == value && len(found) < n {
			found = append(found, b)
		}
	}
	return found, nil
}

// RecentBuilds returns the newest builds of job, at most n; for job "" it
// returns the last build of every top-level job, newest first.
func (c *Client) RecentBuilds(ctx context.Context, job string, n int) ([]Build, error) {
	if job != "" {
		return c.Builds(ctx, job, n)
	}

	var root struct {
		Jobs []struct {
			Name      string                   `json:"name"`
			LastBuild *gojenkins.BuildResponse `json:"lastBuild"`
		} `json:"jobs"`
	}
	query := map[string]string{"tree": "jobs[name,lastBuild[" + buildFields + "]]"}
	if _, err := c.getJSON(ctx, "/", query, &root); err != nil {
		return nil, fmt.Errorf("list last builds: %w", err)
	}

	var builds []Build
	for _, j := range root.Jobs {
		if j.LastBuild != nil {
			builds = append(builds, build(j.Name, *j.LastBuild))
		}
	}
	newestFirst(builds)
	return builds[:min(len(builds), n)], nil
}

// PRBuilds returns, for each configured PR job, its newest builds (at
// most n) of pull request pr, newest first.
func (c *Client) PRBuilds(ctx context.Context, pr int, n int) ([]Build, error) {
	if len(c.cfg.PRJobs) == 0 {
		return nil, &ConfigError{Key: "pr_jobs", Msg: "no PR jobs are configured"}
	}

	var all []Build
	for _, job := range c.cfg.PRJobs {
		builds, err := c.BuildsWithParam(ctx, job, c.cfg.PRParam, strconv.Itoa(pr), n)
		if err != nil {
			return nil, fmt.Errorf("builds of PR %d: %w", pr, err)
		}
		all = append(all, builds...)
	}
	newestFirst(all)
	return all, nil
}

// newestFirst sorts builds by start time, newest first.
func newestFirst(builds []Build) {
	slices.SortStableFunc(builds, func(a, b Build) int {
		return cmp.Compare(b.Started.UnixNano(), a.Started.UnixNano())
	})
}

// StopBuild aborts build number of job while it runs. A build that has
// ended is a *StateError matching ErrNotRunning. Jenkins takes a moment
// to abort: the build's result turns ABORTED shortly after.
func (c *Client) StopBuild(ctx context.Context, job string, number int64) error {
	b, err := c.Build(ctx, job, number)
	if err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	if !b.Building {
		return fmt.Errorf("stop: %w", notRunning(b))
	}

	if _, err := c.post(ctx, buildPath(job, number)+"/stop", nil, nil); err != nil {
		return fmt.Errorf("stop %s: %w", buildName(job, number), err)
	}
	c.log.Debug("build stopped", keyJob, job, keyBuild, number)
	return nil
}

// notRunning returns the error for a build that has ended.
func notRunning(b Build) error {
	return &StateError{Subject: buildName(b.Job, b.Number), State: "already ended: " + b.Result, Kind: ErrNotRunning}
}

// AbortBuild stops what number names for job: its running build #number,
// or else its queue item number while that waits. It returns the build
// it stopped (0 when it cancelled an item before it started) and whether
// number was a queue item. A queue item that starts while it is being
// cancelled has its new build stopped.
//
// Errors: *NotFoundError (ErrNoSuchBuild) when number is neither,
// *StateError (ErrNotRunning) for a build that ended, and the errors of
// StopBuild and CancelQueueItem.
func (c *Client) AbortBuild(ctx context.Context, job string, number int64) (int64, bool, error) {
	b, err := c.Build(ctx, job, number)
	if err == nil && b.Building {
		return number, false, c.StopBuild(ctx, job, number)
	}
	if err != nil && !errors.Is(err, ErrNoSuchBuild) {
		return 0, false, err
	}

	item, ierr := c.QueueItem(ctx, number)
	switch {
	case ierr == nil && item.Job == job && item.Waiting():
		return c.cancelOrStop(ctx, item)
	case ierr != nil && !errors.Is(ierr, ErrNoSuchQueueItem):
		return 0, false, ierr
	case err == nil:
		return 0, false, fmt.Errorf("abort: %w", notRunning(b))
	}
	return 0, false, fmt.Errorf("abort: %w", &NotFoundError{Kind: ErrNoSuchBuild, Name: buildName(job, number)})
}

// cancelOrStop cancels a waiting item, or stops its build when it
// started meanwhile.
func (c *Client) cancelOrStop(ctx context.Context, item QueueItem) (int64, bool, error) {
	left, err := c.CancelQueueItem(ctx, item.ID)
	if errors.Is(err, ErrStarted) {
		return left.Build, true, c.StopBuild(ctx, left.Job, left.Build)
	}
	return 0, true, err
}

// WaitForResult follows build number of job until it ends and returns it.
// Polling and failures are as for WaitForStart; after BuildLimit it gives
// up with a *WaitError.
func (c *Client) WaitForResult(ctx context.Context, job string, number int64) (Build, error) {
	var b Build
	what := buildName(job, number) + " to end"
	err := c.poll(ctx, what, c.cfg.BuildLimit, func(ctx context.Context) (bool, error) {
		var err error
		b, err = c.Build(ctx, job, number)
		return err == nil && !b.Building, err
	})
	if err != nil {
		return b, fmt.Errorf("follow %s: %w", buildName(job, number), err)
	}
	c.log.Debug("build ended", keyJob, job, keyBuild, number, keyResult, b.Result)
	return b, nil
}
