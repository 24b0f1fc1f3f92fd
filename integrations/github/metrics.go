package github

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of a delivery, the values of the outcome label.
const (
	outcomeAccepted    = "accepted"
	outcomeDuplicate   = "duplicate"
	outcomeIgnored     = "ignored"
	outcomeBadRequest  = "bad_request"
	outcomeBadMethod   = "bad_method"
	outcomeBadType     = "unsupported_media_type"
	outcomeUnsigned    = "bad_signature"
	outcomeTooLarge    = "too_large"
	outcomeBusy        = "busy"
	outcomeStoreFailed = "store_failed"
	outcomeInternal    = "internal_error"
)

// eventUnknown stands in the event label for a type go-github does not
// know, so that a caller cannot grow the label set at will.
const eventUnknown = "unknown"

// metrics of the receiver.
type metrics struct {
	deliveries   *prometheus.CounterVec
	sigFailures  *prometheus.CounterVec
	answer       prometheus.Histogram
	processing   *prometheus.HistogramVec
	handleErrors *prometheus.CounterVec
	queued       prometheus.Gauge
	bodyBytes    prometheus.Gauge
	recorded     prometheus.Counter
	recordErrors prometheus.Counter
}

// latencyBuckets span a sub-millisecond answer to a slow handler.
var latencyBuckets = []float64{
	.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10,
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_github_deliveries_total",
			Help: "Webhook deliveries received, by event type and outcome.",
		}, []string{"event", "outcome"}),
		sigFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_github_signature_failures_total",
			Help: "Deliveries refused for their signature: missing, malformed or mismatch.",
		}, []string{"reason"}),
		answer: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "gordon_github_answer_seconds",
			Help:    "Time from a delivery's arrival to gordon's answer.",
			Buckets: latencyBuckets,
		}),
		processing: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gordon_github_processing_seconds",
			Help:    "Time from a delivery's arrival until its event was handled, by event type.",
			Buckets: latencyBuckets,
		}, []string{"event"}),
		handleErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_github_handle_errors_total",
			Help: "Accepted events whose handling failed or panicked, by event type.",
		}, []string{"event"}),
		queued: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gordon_github_queue_length",
			Help: "Accepted events waiting to be handled.",
		}),
		bodyBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gordon_github_body_bytes",
			Help: "Bytes of delivery bodies being read or waiting in the queue.",
		}),
		recorded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_github_deliveries_recorded_total",
			Help: "Delivery IDs written to the store in batches.",
		}),
		recordErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_github_record_errors_total",
			Help: "Batches of delivery IDs the store failed to write; they are retried.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.deliveries, m.sigFailures, m.answer, m.processing,
			m.handleErrors, m.queued, m.bodyBytes, m.recorded, m.recordErrors)
	}
	return m
}
