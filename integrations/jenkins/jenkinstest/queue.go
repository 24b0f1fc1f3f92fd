package jenkinstest

import (
	"fmt"
	"slices"
	"time"
)

// enqueue adds an item for j with values, or returns the waiting item of
// j with the same values, as Jenkins folds such a request into it. The
// second result tells which.
func (s *Server) enqueue(j *job, values []paramValue, cause string, delay time.Duration) (*queueItem, bool) {
	for _, it := range s.waiting() {
		if it.job == j && slices.Equal(it.params, values) {
			return it, true
		}
	}

	now := s.cfg.Now()
	it := &queueItem{id: s.nextQueue, job: j, params: values, cause: cause, since: now, readyAt: now.Add(delay)}
	s.nextQueue++
	s.queue = append(s.queue, it)
	s.tryStart(it, now)
	return it, false
}

// advance brings the simulation to the clock's time: builds whose
// duration passed end, then waiting items start where they can, oldest
// first.
func (s *Server) advance() {
	now := s.cfg.Now()
	for _, name := range s.jobOrder {
		s.jobs[name].endDue(now)
	}
	for _, it := range s.waiting() {
		s.tryStart(it, now)
	}
}

// endDue ends the builds of j that have run their duration.
func (j *job) endDue(now time.Time) {
	if j.Duration <= 0 {
		return
	}
	for _, b := range j.builds {
		if b.result == "" && !now.Before(b.started.Add(j.Duration)) {
			b.result, b.duration = j.resultFor(b.number), j.Duration
		}
	}
}

// running returns a running build of j, or nil.
func (j *job) running() *build {
	for _, b := range j.builds {
		if b.result == "" {
			return b
		}
	}
	return nil
}

// tryStart starts a waiting item when its quiet period is over, its job
// is free and an executor is, and otherwise says why it waits.
func (s *Server) tryStart(it *queueItem, now time.Time) {
	it.blocked, it.buildable = false, false
	if now.Before(it.readyAt) {
		it.why = fmt.Sprintf("In the quiet period. Expires in %.1f sec", it.readyAt.Sub(now).Seconds())
		return
	}
	if b := it.job.running(); b != nil && !it.job.Concurrent {
		it.blocked = true
		it.why = fmt.Sprintf("Build #%d is already in progress (ETA: N/A)", b.number)
		return
	}

	it.buildable = true
	node, why := s.executorFor(it)
	if why != "" {
		it.why = why
		return
	}

	it.build = it.job.newBuild(it.params, it.cause, node, now)
	it.build.queueID = it.id
	it.buildable, it.why = false, ""
}

// executorFor returns the node where item can start now, or why it
// cannot.
func (s *Server) executorFor(it *queueItem) (string, string) {
	expr := ""
	if it.job.NodeParam != "" {
		expr = paramOf(it.params, it.job.NodeParam)
	}
	match, err := parseLabel(expr)
	if err != nil {
		return "", fmt.Sprintf("Invalid label expression ‘%s’", expr)
	}

	var candidates []*computer
	for _, c := range s.computers {
		if match.matches(c.labels()) {
			candidates = append(candidates, c)
		}
	}
	for _, c := range candidates {
		if !c.offline() && s.busy(c) < c.Executors {
			return c.Name, ""
		}
	}
	return "", waitReason(expr, candidates)
}

// waitReason says, in Jenkins' words, why no candidate can take a build.
func waitReason(expr string, candidates []*computer) string {
	switch {
	case len(candidates) == 0 && expr == "":
		return "Waiting for next available executor"
	case len(candidates) == 0:
		return fmt.Sprintf("There are no nodes with the label ‘%s’", expr)
	case len(candidates) == 1 && candidates[0].offline():
		return fmt.Sprintf("‘%s’ is offline", candidates[0].Name)
	case !slices.ContainsFunc(candidates, func(c *computer) bool { return !c.offline() }):
		return fmt.Sprintf("All nodes of label ‘%s’ are offline", expr)
	case expr == "":
		return "Waiting for next available executor"
	}
	return fmt.Sprintf("Waiting for next available executor on ‘%s’", expr)
}

// busy counts the builds running on c.
func (s *Server) busy(c *computer) int {
	n := 0
	for _, j := range s.jobs {
		for _, b := range j.builds {
			if b.result == "" && b.node == c.Name {
				n++
			}
		}
	}
	return n
}
