package bot

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/commands"
)

// metrics of the IRC session.
type metrics struct {
	sent       *prometheus.CounterVec
	queued     *prometheus.GaugeVec
	reconnects prometheus.Counter
	joinTime   prometheus.Gauge
	connected  prometheus.Gauge

	pingTimeouts prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_irc_lines_sent_total",
			Help: "Lines gordon wrote to IRC, by priority.",
		}, []string{"priority"}),
		queued: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gordon_irc_lines_queued",
			Help: "Lines waiting to be written, by priority.",
		}, []string{"priority"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_irc_reconnects_total",
			Help: "Connections to the IRC server after the first.",
		}),
		joinTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gordon_irc_join_seconds",
			Help: "Time from dialling the server to having joined every channel, last connection.",
		}),
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gordon_irc_connected",
			Help: "1 while gordon is registered on the IRC server.",
		}),
		pingTimeouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_irc_ping_timeouts_total",
			Help: "Connections dropped because the server stayed silent past the ping timeout.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.sent, m.queued, m.reconnects, m.joinTime, m.connected, m.pingTimeouts)
	}
	return m
}

func (m *metrics) setQueued(per [levels]int) {
	for p, n := range per {
		m.queued.WithLabelValues(commands.Priority(p).String()).Set(float64(n))
	}
}
