package followup

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the follow-ups' Prometheus metrics.
type metrics struct {
	triggered *prometheus.CounterVec
	open      *prometheus.GaugeVec
	closed    *prometheus.CounterVec
	requests  *prometheus.CounterVec
	errors    *prometheus.CounterVec
}

// newMetrics registers the metrics with reg; a nil reg makes them
// unregistered, which tests use.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		triggered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_builds_triggered_total",
			Help: "Builds gordon queued for a person and follows, by job.",
		}, []string{"job"}),
		open: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gordon_followups_open",
			Help: "Follow-ups open, by state: queued or running.",
		}, []string{"state"}),
		closed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_followups_closed_total",
			Help: "Follow-ups closed, by outcome: a build result, cancelled, replaced, lost or gave_up.",
		}, []string{"outcome"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_followup_jenkins_requests_total",
			Help: "Reads of Jenkins made to follow builds, by operation.",
		}, []string{"op"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_followup_jenkins_errors_total",
			Help: "Reads of Jenkins made to follow builds that failed, by operation.",
		}, []string{"op"}),
	}
	if reg != nil {
		reg.MustRegister(m.triggered, m.open, m.closed, m.requests, m.errors)
	}
	return m
}

// request counts one read of op, and its failure when err is not nil.
func (m *metrics) request(op string, err error) {
	m.requests.WithLabelValues(op).Inc()
	if err != nil {
		m.errors.WithLabelValues(op).Inc()
	}
}

// setOpen sets the open gauges.
func (m *metrics) setOpen(queued, running int) {
	m.open.WithLabelValues(string(StateQueued)).Set(float64(queued))
	m.open.WithLabelValues(string(StateRunning)).Set(float64(running))
}
