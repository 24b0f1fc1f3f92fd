package jenkinsbridge

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/integrations/jenkins"
)

// Operations, as the metrics name them.
const (
	opQueueBuild   = "queue_build"
	opQueue        = "queue"
	opQueueItem    = "queue_item"
	opCancel       = "cancel_queue_item"
	opComputers    = "computers"
	opBuilds       = "builds"
	opBuild        = "build"
	opRecentBuilds = "recent_builds"
	opPRBuilds     = "pr_builds"
	opAbort        = "abort_build"
)

// metrics time the calls to Jenkins and count their failures.
type metrics struct {
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

// newMetrics registers the metrics with reg, unless reg is nil.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gordon_jenkins_call_duration_seconds",
			Help:    "Time a call to Jenkins took, all its requests and retries included, by operation.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"op"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_jenkins_call_errors_total",
			Help: "Calls to Jenkins that failed, by operation and kind: unreachable, status, " +
				"not_found, refused, cancelled or other.",
		}, []string{"op", "kind"}),
	}
	if reg != nil {
		reg.MustRegister(m.duration, m.errors)
	}
	return m
}

// observe records a call of op that started at start and ended with
// *err; it is deferred, hence the pointer.
func (m *metrics) observe(op string, start time.Time, err *error) {
	m.duration.WithLabelValues(op).Observe(time.Since(start).Seconds())
	if *err != nil {
		m.errors.WithLabelValues(op, kind(*err)).Inc()
	}
}

// kind sorts an error of the client for the error metric.
func kind(err error) string {
	var status *jenkins.StatusError
	var param *jenkins.ParamError
	var state *jenkins.StateError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	case errors.Is(err, jenkins.ErrUnreachable), errors.Is(err, jenkins.ErrOutcomeUnknown):
		return "unreachable"
	case errors.As(err, &status):
		return "status"
	case errors.Is(err, jenkins.ErrNoSuchJob), errors.Is(err, jenkins.ErrNoSuchBuild),
		errors.Is(err, jenkins.ErrNoSuchQueueItem), errors.Is(err, jenkins.ErrNoSuchNode):
		return "not_found"
	case errors.As(err, &param), errors.As(err, &state):
		return "refused"
	}
	return "other"
}
