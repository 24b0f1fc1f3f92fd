package commands

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts commands by name and outcome and times them.
type Metrics struct {
	total    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the command metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		total: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_commands_total",
			Help: "Commands handled, by command name and outcome.",
		}, []string{"command", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gordon_command_duration_seconds",
			Help:    "Time from a command line to its answer, by command name.",
			Buckets: []float64{.0005, .001, .005, .01, .05, .1, .5, 1, 5, 30},
		}, []string{"command"}),
	}
	reg.MustRegister(m.total, m.duration)
	return m
}

func (m *Metrics) observe(command, outcome string, seconds float64) {
	if m == nil {
		return
	}
	m.total.WithLabelValues(command, outcome).Inc()
	m.duration.WithLabelValues(command).Observe(seconds)
}
