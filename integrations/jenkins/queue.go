package jenkins

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// QueueItem is an item of Jenkins' build queue: waiting, or already left
// it for a build or a cancellation. Jenkins keeps a left item readable for
// a few minutes only.
type QueueItem struct {
	ID  int64
	Job string

	// Why says why it is waiting, in Jenkins' words.
	Why string

	Blocked   bool
	Buildable bool
	Stuck     bool
	Cancelled bool

	Since  time.Time
	Params map[string]string

	// Build is the number of the build the item became, 0 until then.
	Build    int64
	BuildURL string
}

// Waiting reports whether the item is still in the queue.
func (q QueueItem) Waiting() bool {
	return q.Build == 0 && !q.Cancelled
}

// queueItemFields is the part of an item's JSON that QueueItem needs.
const queueItemFields = "id,why,blocked,buildable,stuck,cancelled,inQueueSince," +
	"task[name,url],actions[parameters[name,value]],executable[number,url]"

// queueItemJSON is an item as Jenkins writes it; gojenkins' own type is
// unexported and has no "cancelled".
type queueItemJSON struct {
	ID           int64       `json:"id"`
	Why          string      `json:"why"`
	Blocked      bool        `json:"blocked"`
	Buildable    bool        `json:"buildable"`
	Stuck        bool        `json:"stuck"`
	Cancelled    bool        `json:"cancelled"`
	InQueueSince int64       `json:"inQueueSince"`
	Task         taskJSON    `json:"task"`
	Actions      []actionRef `json:"actions"`
	Executable   *struct {
		Number int64  `json:"number"`
		URL    string `json:"url"`
	} `json:"executable"`
}

type taskJSON struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// actionRef is an action of a build or a queue item; only the parameters
// action has parameters.
type actionRef struct {
	Parameters []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"parameters"`
}

// paramsOf collects the parameters of a list of actions.
func paramsOf(actions []actionRef) map[string]string {
	var params map[string]string
	for _, a := range actions {
		for _, p := range a.Parameters {
			if params == nil {
				params = map[string]string{}
			}
			params[p.Name] = valueText(p.Value)
		}
	}
	return params
}

// item converts the JSON.
func (c *Client) item(raw queueItemJSON) QueueItem {
	q := QueueItem{
		ID:        raw.ID,
		Job:       c.jobName(raw.Task),
		Why:       raw.Why,
		Blocked:   raw.Blocked,
		Buildable: raw.Buildable,
		Stuck:     raw.Stuck,
		Cancelled: raw.Cancelled,
		Since:     millis(raw.InQueueSince),
		Params:    paramsOf(raw.Actions),
	}
	if raw.Executable != nil {
		q.Build, q.BuildURL = raw.Executable.Number, raw.Executable.URL
	}
	return q
}

// jobName returns a task's full job name, read from its URL so that a job
// in a folder is "folder/job"; the short name when the URL says nothing.
func (c *Client) jobName(t taskJSON) string {
	u, err := url.Parse(c.absolute(t.URL))
	if err != nil || !strings.HasPrefix(u.Path, c.root.Path) {
		return t.Name
	}

	parts := strings.Split(strings.Trim(strings.TrimPrefix(u.Path, c.root.Path), "/"), "/")
	var names []string
	for i := 0; i+1 < len(parts); i += 2 {
		if parts[i] != "job" {
			return t.Name
		}
		names = append(names, parts[i+1])
	}
	if len(names) == 0 {
		return t.Name
	}
	return strings.Join(names, "/")
}

// QueueItem returns the queue item id. An item Jenkins no longer knows is
// a *NotFoundError matching ErrNoSuchQueueItem.
func (c *Client) QueueItem(ctx context.Context, id int64) (QueueItem, error) {
	var raw queueItemJSON
	p := fmt.Sprintf("/queue/item/%d", id)
	if _, err := c.getJSON(ctx, p, map[string]string{"tree": queueItemFields}, &raw); err != nil {
		return QueueItem{}, fmt.Errorf("read queue item %d: %w",
			id, notFound(err, ErrNoSuchQueueItem, strconv.FormatInt(id, 10)))
	}
	return c.item(raw), nil
}

// Queue returns the items waiting in the queue, oldest first.
func (c *Client) Queue(ctx context.Context) ([]QueueItem, error) {
	var raw struct {
		Items []queueItemJSON `json:"items"`
	}
	query := map[string]string{"tree": "items[" + queueItemFields + "]"}
	if _, err := c.getJSON(ctx, "/queue", query, &raw); err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}

	items := make([]QueueItem, len(raw.Items))
	for i, r := range raw.Items {
		items[i] = c.item(r)
	}
	return items, nil
}

// CancelQueueItem takes item id out of the queue and returns it as Jenkins
// reports it afterwards. An item that left the queue for a build first is
// a *StateError matching ErrStarted, returned with the item so that the
// caller can stop that build; one that is gone is a *NotFoundError.
func (c *Client) CancelQueueItem(ctx context.Context, id int64) (QueueItem, error) {
	query := map[string]string{"id": strconv.FormatInt(id, 10)}
	_, err := c.post(ctx, "/queue/cancelItem", query, nil)

	// Jenkins answers 422 for an item that already left the queue and
	// 404 for one it forgot, so the item itself tells what happened.
	var status *StatusError
	if err != nil && !(errors.As(err, &status) && leftQueue(status.Code)) {
		return QueueItem{}, fmt.Errorf("cancel queue item %d: %w", id, err)
	}

	item, err := c.QueueItem(ctx, id)
	if err != nil {
		return QueueItem{}, fmt.Errorf("cancel queue item %d: %w", id, err)
	}
	if err := cancelOutcome(item); err != nil {
		return item, fmt.Errorf("cancel queue item %d: %w", id, err)
	}
	c.log.Debug("queue item cancelled", keyQueueID, id, keyJob, item.Job)
	return item, nil
}

// leftQueue reports whether a cancel answered with code may have found
// the item gone from the queue.
func leftQueue(code int) bool {
	return code == http.StatusNotFound || code == http.StatusUnprocessableEntity
}

// cancelOutcome tells whether item, read after a cancel, was cancelled.
func cancelOutcome(item QueueItem) error {
	subject := fmt.Sprintf("queue item %d", item.ID)
	switch {
	case item.Cancelled:
		return nil
	case item.Build != 0:
		state := fmt.Sprintf("already started as %s #%d", item.Job, item.Build)
		return &StateError{Subject: subject, State: state, Kind: ErrStarted}
	}
	// Jenkins said yes, yet the item still waits.
	return &StateError{Subject: subject, State: "is still waiting: Jenkins did not cancel it", Kind: ErrOutcomeUnknown}
}

// WaitForStart follows queue item id until it becomes a build and returns
// it with Build set. The looks back off from PollInterval to
// PollMaxInterval; Jenkins failing or unreachable in between is logged and
// waited out.
//
// Errors: *StateError (ErrCancelled) for an item cancelled in the queue,
// *NotFoundError for one Jenkins forgot, *WaitError (ErrGaveUp) after
// QueueLimit, or ctx's error.
func (c *Client) WaitForStart(ctx context.Context, id int64) (QueueItem, error) {
	var item QueueItem
	what := fmt.Sprintf("queue item %d to start", id)
	err := c.poll(ctx, what, c.cfg.QueueLimit, func(ctx context.Context) (bool, error) {
		var err error
		if item, err = c.QueueItem(ctx, id); err != nil {
			return false, err
		}
		if item.Cancelled {
			subject := fmt.Sprintf("queue item %d of %s", id, item.Job)
			return false, &StateError{Subject: subject, State: "was cancelled", Kind: ErrCancelled}
		}
		return item.Build != 0, nil
	})
	if err != nil {
		return item, fmt.Errorf("follow queue item %d: %w", id, err)
	}
	return item, nil
}
