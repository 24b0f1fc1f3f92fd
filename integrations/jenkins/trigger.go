package jenkins

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Queued is what a trigger made: a queue item, not yet a build.
type Queued struct {
	Job string
	ID  int64

	// URL is the item's address as Jenkins gave it in Location.
	URL string

	// Existing is set when Jenkins answered with an item that was already
	// waiting: it folds a request into a queued item of the same job with
	// the same parameters instead of queueing a second one.
	Existing bool

	// Params are the parameters sent, under the job's names for them.
	Params map[string]string
}

// Trigger queues a build of job with params, checked first against the
// job's parameter definitions, and returns the queue item Jenkins made.
// Nothing is posted when the job is missing or disabled or a parameter
// is refused.
//
// Errors: *NotFoundError (ErrNoSuchJob), *ParamError (ErrUnknownParam,
// ErrBadParamValue), *StateError (ErrJobDisabled), *StatusError, and for
// an answer that was lost or unreadable *NetError or *OutcomeError, both
// matching ErrOutcomeUnknown when the build may have been queued anyway.
func (c *Client) Trigger(ctx context.Context, job string, params map[string]string) (Queued, error) {
	j, err := c.Job(ctx, job)
	if err != nil {
		return Queued{}, fmt.Errorf("trigger %s: %w", job, err)
	}
	return c.submit(ctx, j, params)
}

// QueueBuild is Trigger for a person: when node is not empty it pins the
// build to that node through the configured node parameter, after
// checking that Jenkins has the node and that it is online; when the job
// defines the configured requested-by parameter it carries who. It
// returns the queue item's id and whether Jenkins already had it.
//
// Errors are those of Trigger, and *NotFoundError (ErrNoSuchNode),
// *StateError (ErrNodeOffline), or a *ParamError when the job has no node
// parameter or params already set it.
func (c *Client) QueueBuild(ctx context.Context, job string, params map[string]string,
	node, who string) (int64, bool, error) {
	j, err := c.Job(ctx, job)
	if err != nil {
		return 0, false, fmt.Errorf("queue %s: %w", job, err)
	}

	params, err = c.personalParams(j, params, node, who)
	if err != nil {
		return 0, false, fmt.Errorf("queue %s: %w", job, err)
	}
	if node != "" {
		if err := c.checkNodeOnline(ctx, node); err != nil {
			return 0, false, fmt.Errorf("queue %s on %s: %w", job, node, err)
		}
	}

	q, err := c.submit(ctx, j, params)
	return q.ID, q.Existing, err
}

// personalParams checks params and adds the node and requester ones.
func (c *Client) personalParams(j Job, params map[string]string, node, who string) (map[string]string, error) {
	checked, err := j.CheckParams(params)
	if err != nil {
		return nil, err
	}

	if node != "" {
		if !j.HasParam(c.cfg.NodeParam) {
			reason := fmt.Sprintf("has no %s parameter, so it cannot be pinned to a node", c.cfg.NodeParam)
			return nil, &ParamError{Job: j.Name, Param: c.cfg.NodeParam, Reason: reason, Kind: ErrUnknownParam}
		}
		if _, set := checked[c.cfg.NodeParam]; set {
			return nil, j.badValue(c.cfg.NodeParam, fmt.Sprintf("got both on <node> and %s=", c.cfg.NodeParam))
		}
		checked[c.cfg.NodeParam] = node
	}

	// The requester is who gordon says asked, whatever params claimed.
	if who != "" && j.HasParam(c.cfg.RequestedByParam) {
		checked[c.cfg.RequestedByParam] = who
	}
	return checked, nil
}

// submit posts a build of j, whose definitions it checks params against,
// and reads the queue item from the answer's Location.
func (c *Client) submit(ctx context.Context, j Job, params map[string]string) (Queued, error) {
	op := "trigger " + j.Name
	checked, err := j.CheckParams(params)
	if err != nil {
		return Queued{}, fmt.Errorf("%s: %w", op, err)
	}
	if !j.Buildable {
		return Queued{}, fmt.Errorf("%s: %w", op, &StateError{Subject: j.Name, State: "is disabled", Kind: ErrJobDisabled})
	}

	waiting, err := c.waitingIDs(ctx, j)
	if err != nil {
		return Queued{}, fmt.Errorf("%s: %w", op, err)
	}

	endpoint, form := jobPath(j.Name)+"/build", url.Values(nil)
	if len(j.Params) > 0 {
		endpoint, form = jobPath(j.Name)+"/buildWithParameters", formOf(checked)
	}
	resp, err := c.post(ctx, endpoint, nil, form)
	if err != nil {
		return Queued{}, fmt.Errorf("%s: %w", op, err)
	}

	location := resp.Header.Get("Location")
	id, reason := queueID(location)
	if reason != "" {
		return Queued{}, fmt.Errorf("%s: %w", op, &OutcomeError{Op: op, Reason: reason})
	}

	q := Queued{Job: j.Name, ID: id, URL: location, Existing: slices.Contains(waiting, id), Params: checked}
	c.log.Debug("build queued", keyJob, j.Name, keyQueueID, q.ID, keyParams, checked, keyExisting, q.Existing)
	return q, nil
}

// waitingIDs returns the ids of j's items in the queue, so that an answer
// naming one of them is known to be an old item. It reads the queue only
// when the job says it has something there.
func (c *Client) waitingIDs(ctx context.Context, j Job) ([]int64, error) {
	if !j.InQueue {
		return nil, nil
	}

	// Only ids and tasks: this read sits on the way to every trigger, and
	// the parameters of a long queue are most of its weight.
	var raw struct {
		Items []queueItemJSON `json:"items"`
	}
	query := map[string]string{"tree": "items[id,task[name,url]]"}
	if _, err := c.getJSON(ctx, "/queue", query, &raw); err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}

	var ids []int64
	for _, it := range raw.Items {
		if c.jobName(it.Task) == j.Name {
			ids = append(ids, it.ID)
		}
	}
	return ids, nil
}

// formOf encodes build parameters as a form.
func formOf(params map[string]string) url.Values {
	form := url.Values{}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		form.Set(k, params[k])
	}
	return form
}

// queueID reads the item id from a Location such as
// "http://jenkins/queue/item/57/", or says why it cannot.
func queueID(location string) (int64, string) {
	if location == "" {
		return 0, "Jenkins accepted the build but named no queue item"
	}

	u, err := url.Parse(location)
	if err == nil && strings.Contains(u.Path, "/queue/item/") {
		id, err := strconv.ParseInt(path.Base(u.Path), 10, 64)
		if err == nil && id > 0 {
			return id, ""
		}
	}
	return 0, fmt.Sprintf("Jenkins accepted the build but answered with %q, not a queue item", location)
}
