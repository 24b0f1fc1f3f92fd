package jenkinstest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// jobAPI serves /job/NAME/...: a job in a folder is /job/A/job/B/.
func (s *Server) jobAPI(r *http.Request, t target, rd renderer, user string) answer {
	var names []string
	i := 0
	for ; i+1 < len(t.segs) && t.segs[i] == "job"; i += 2 {
		names = append(names, t.segs[i+1])
	}
	j := s.jobs[strings.Join(names, "/")]
	if j == nil {
		return notFound()
	}

	rest := t.segs[i:]
	switch {
	case len(rest) == 0:
		return s.page(r, t, func() any { return rd.job(s, j) }, j.Name)
	case len(rest) == 1 && rest[0] == "build":
		return s.postBuild(r, j, false, user)
	case len(rest) == 1 && rest[0] == "buildWithParameters":
		return s.postBuild(r, j, true, user)
	}
	return s.buildAPI(r, t, rd, j, rest)
}

// buildAPI serves /job/NAME/N/ and /job/NAME/N/stop.
func (s *Server) buildAPI(r *http.Request, t target, rd renderer, j *job, rest []string) answer {
	n, ok := number(rest[0])
	b := s.build(j.Name, n)
	if !ok || b == nil || len(rest) > 2 {
		return notFound()
	}

	if len(rest) == 1 {
		text := fmt.Sprintf("%s #%d: %s", j.Name, n, b.resultText())
		return s.page(r, t, func() any { return rd.build(b) }, text)
	}
	if rest[1] != "stop" {
		return notFound()
	}
	if a, ok := mustPost(r); !ok {
		return a
	}

	if b.result == "" {
		b.end(Aborted, s.cfg.Now())
	}
	return answer{code: http.StatusFound, location: strings.TrimPrefix(rd.buildURL(b), rd.base)}
}

// resultText is a build's result, or "running".
func (b *build) resultText() string {
	if b.result == "" {
		return "running"
	}
	return b.result
}

// postBuild queues a build as Jenkins does: 201 with the queue item in
// Location, the parameters the job defines taken from the form (others
// are dropped without a word), and a request identical to a waiting item
// folded into it.
func (s *Server) postBuild(r *http.Request, j *job, withParams bool, user string) answer {
	if a, ok := mustPost(r); !ok {
		return a
	}

	switch {
	case j.Disabled:
		return pageAnswer(http.StatusConflict, "%s is not buildable", j.Name)
	case withParams && len(j.Params) == 0:
		return pageAnswer(http.StatusInternalServerError, "java.lang.IllegalStateException: This build is not parameterized!")
	case !withParams && len(j.Params) > 0:
		return pageAnswer(http.StatusBadRequest, "Nothing is submitted")
	}

	form := map[string]string{}
	for k, v := range r.Form {
		form[k] = v[0]
	}
	values, err := j.values(form)
	if err != nil {
		return pageAnswer(http.StatusBadRequest, "java.lang.IllegalArgumentException: %v", err)
	}

	it, _ := s.enqueue(j, values, user, s.delay(r))
	return answer{code: http.StatusCreated, location: itemURL(it)}
}

// delay reads the delay parameter ("5sec" or "5"), or the quiet period.
func (s *Server) delay(r *http.Request) time.Duration {
	v := strings.TrimSuffix(r.Form.Get("delay"), "sec")
	secs, err := strconv.Atoi(v)
	if err != nil || secs < 0 {
		return s.cfg.QuietPeriod
	}
	return time.Duration(secs) * time.Second
}

// queueAPI serves /queue, /queue/item/N and /queue/cancelItem.
func (s *Server) queueAPI(r *http.Request, t target, rd renderer) answer {
	switch {
	case t.is(1):
		return s.page(r, t, func() any { return rd.queue(s) }, "Build Queue")
	case t.is(1, "cancelItem"):
		return s.cancelItem(r)
	case len(t.segs) == 3 && t.segs[1] == "item":
		id, _ := number(t.segs[2])
		if it := s.item(id); it != nil && t.api {
			return s.page(r, t, func() any { return rd.item(it) }, "")
		}
	}
	return notFound()
}

// cancelItem answers as Jenkins 2 does: 204 when the item was taken out
// of the queue, 422 when it already left it, 404 when it is unknown.
func (s *Server) cancelItem(r *http.Request) answer {
	if a, ok := mustPost(r); !ok {
		return a
	}

	id, _ := number(r.Form.Get("id"))
	it := s.item(id)
	switch {
	case it == nil:
		return pageAnswer(http.StatusNotFound, "Provided id (%d) not found", id)
	case it.build != nil || it.cancelled:
		return pageAnswer(http.StatusUnprocessableEntity, "Item for id (%d) is not cancellable", id)
	}

	it.cancelled, it.blocked, it.buildable, it.why = true, false, false, ""
	return answer{code: http.StatusNoContent}
}

// computerAPI serves /computer, /computer/NAME, and the offline toggles.
func (s *Server) computerAPI(r *http.Request, t target, rd renderer, user string) answer {
	if t.is(1) {
		return s.page(r, t, func() any { return rd.computers(s) }, "Nodes")
	}
	if len(t.segs) < 2 || len(t.segs) > 3 {
		return notFound()
	}

	if t.segs[1] == builtInName && len(t.segs) == 2 {
		return s.page(r, t, func() any { return rd.builtIn() }, "Built-In Node")
	}
	c := s.computer(t.segs[1])
	switch {
	case c == nil:
		return notFound()
	case len(t.segs) == 2:
		return s.page(r, t, func() any { return rd.computer(s, c) }, c.Name)
	}
	return s.offlineMark(r, t.segs[2], c, user)
}

// offlineMark serves toggleOffline and changeOfflineCause, which answer
// with a redirect to the computer's page.
func (s *Server) offlineMark(r *http.Request, action string, c *computer, user string) answer {
	if action != "toggleOffline" && action != "changeOfflineCause" {
		return notFound()
	}
	if a, ok := mustPost(r); !ok {
		return a
	}

	msg := strings.TrimSpace(r.Form.Get("offlineMessage"))
	switch {
	case action == "changeOfflineCause" && c.tempOffline:
		c.reason, c.by = msg, user
	case action == "toggleOffline" && c.tempOffline:
		c.tempOffline, c.reason, c.by = false, "", ""
	case action == "toggleOffline":
		c.tempOffline, c.reason, c.by, c.since = true, msg, user, s.cfg.Now()
	}
	return answer{code: http.StatusFound, location: "computer/" + c.Name + "/"}
}

// labelAPI serves /label/EXPR for a label or a label expression.
func (s *Server) labelAPI(r *http.Request, t target, rd renderer) answer {
	if len(t.segs) != 2 {
		return notFound()
	}
	match, err := parseLabel(t.segs[1])
	if err != nil {
		return notFound()
	}
	return s.page(r, t, func() any { return rd.label(s, t.segs[1], match) }, t.segs[1])
}
