package gating

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of a pull request event, the values of its outcome label.
const (
	outcomeSigned   = "signed"
	outcomeUnsigned = "unsigned"
	outcomeStale    = "stale"
	outcomeTooLong  = "too_many_commits"
	outcomeClosed   = "closed"
	outcomeFailed   = "failed"
)

// Outcomes of a build gating asked for or stopped.
const (
	buildQueued        = "queued"
	buildAlreadyQueued = "already_queued"
	buildNotQueued     = "not_queued"
	buildStopped       = "stopped"
	buildNotStopped    = "not_stopped"
)

// Outcomes of a /rebuild comment.
const (
	commentRebuild = "rebuild"
	commentDenied  = "denied"
	commentUsage   = "usage"
)

// Outcomes of a delivery taken up again from the inbox.
const (
	replayDone   = "done"
	replayKept   = "kept"
	replayGaveUp = "gave_up"
)

// metrics of the gate.
type metrics struct {
	pullRequests *prometheus.CounterVec
	builds       *prometheus.CounterVec
	comments     *prometheus.CounterVec
	replays      *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		pullRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_gating_pull_requests_total",
			Help: "Pull request events gated, by outcome: signed, unsigned, stale, too_many_commits, closed or failed.",
		}, []string{"outcome"}),
		builds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_gating_builds_total",
			Help: "Pull request builds gating queued or stopped, by outcome.",
		}, []string{"outcome"}),
		comments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_gating_comments_total",
			Help: "/rebuild comments acted on, by outcome: rebuild, denied or usage.",
		}, []string{"outcome"}),
		replays: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_gating_replays_total",
			Help: "Deliveries taken up again from the inbox after a crash or a failure, by outcome.",
		}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.pullRequests, m.builds, m.comments, m.replays)
	}
	return m
}

// statusMetrics count the commit statuses set.
type statusMetrics struct {
	set    *prometheus.CounterVec
	failed prometheus.Counter
}

func newStatusMetrics(reg prometheus.Registerer) *statusMetrics {
	m := &statusMetrics{
		set: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_gating_statuses_total",
			Help: "Commit statuses set, by check (sign-off or build) and state.",
		}, []string{"check", "state"}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_gating_status_failures_total",
			Help: "Commit statuses GitHub did not take; final ones are retried.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.set, m.failed)
	}
	return m
}
