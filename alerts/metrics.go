package alerts

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Reasons a change is not announced, as the suppressed metric labels
// them.
const (
	reasonMaintenance = "maintenance"
	reasonFlapping    = "flapping"
	reasonUpgrade     = "upgrade"
	reasonSilence     = "silence"
)

// metrics are the alerts' Prometheus metrics.
type metrics struct {
	sent        *prometheus.CounterVec
	transitions *prometheus.CounterVec
	grouped     prometheus.Counter
	debounced   prometheus.Counter
	suppressed  *prometheus.CounterVec
	sendErrors  prometheus.Counter
	unreachable *prometheus.GaugeVec
}

// newMetrics registers the metrics with reg; a nil reg leaves them
// unregistered, which tests use.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_alerts_sent_total",
			Help: "Alert lines handed to the chat side, by kind: baseline, node_down, critical, " +
				"warning, still_failing (a silence ended), flapping, settled, node_up, recovered, " +
				"reminder, outage (a dependency unreachable or back), or more (a line summing up the rest).",
		}, []string{"kind"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_alert_transitions_total",
			Help: "Check transitions announced, by kind, each counted once however many targets it reached.",
		}, []string{"kind"}),
		grouped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_alerts_grouped_total",
			Help: "Transitions announced in a line shared with other transitions.",
		}),
		debounced: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_alerts_debounced_total",
			Help: "Check states that changed again before their debounce time, and were never announced.",
		}),
		suppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_alerts_suppressed_total",
			Help: "Check changes kept quiet, by reason: maintenance (Consul's or gordon's record), " +
				"upgrade, silence or flapping.",
		}, []string{"reason"}),
		sendErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_alert_send_errors_total",
			Help: "Alert replies the chat side refused, being closed or stopping.",
		}),
		unreachable: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gordon_alerts_dependency_unreachable",
			Help: "1 while a dependency gordon watches (consul, jenkins) fails to answer, 0 once it answers.",
		}, []string{"dependency"}),
	}
	if reg != nil {
		reg.MustRegister(m.sent, m.transitions, m.grouped, m.debounced, m.suppressed, m.sendErrors,
			m.unreachable)
	}
	return m
}
