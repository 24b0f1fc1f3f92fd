package github

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// apiMetrics are the API client's metrics.
type apiMetrics struct {
	requests  *prometheus.CounterVec
	remaining *prometheus.GaugeVec
	limit     *prometheus.GaugeVec
	reset     *prometheus.GaugeVec
	limitedBy *prometheus.CounterVec
	waited    prometheus.Counter
}

func newAPIMetrics(reg prometheus.Registerer) *apiMetrics {
	m := &apiMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_github_api_requests_total",
			Help: "HTTP requests to GitHub's API, by call and status code (304: answered from the ETag cache; error: no answer).",
		}, []string{"op", "code"}),
		remaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gordon_github_api_rate_remaining",
			Help: "Requests left in GitHub's rate limit window, by resource, as of the last answer.",
		}, []string{"resource"}),
		limit: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gordon_github_api_rate_limit",
			Help: "Requests GitHub allows per rate limit window, by resource.",
		}, []string{"resource"}),
		reset: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gordon_github_api_rate_reset_timestamp_seconds",
			Help: "When GitHub's rate limit window starts again, by resource, in Unix seconds.",
		}, []string{"resource"}),
		limitedBy: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_github_api_rate_limited_total",
			Help: "Requests GitHub refused for a rate limit, by kind: primary or secondary.",
		}, []string{"kind"}),
		waited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_github_api_rate_wait_seconds_total",
			Help: "Time calls spent waiting for a GitHub rate limit to lift.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.remaining, m.limit, m.reset, m.limitedBy, m.waited)
	}
	return m
}

// request counts one HTTP request of op, by its answer's status.
func (m *apiMetrics) request(op string, resp *http.Response, err error) {
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	m.requests.WithLabelValues(op, code).Inc()
}

// rate shows the rate limit an answer reported.
func (m *apiMetrics) rate(resource string, remaining, limit int, reset int64) {
	m.remaining.WithLabelValues(resource).Set(float64(remaining))
	m.limit.WithLabelValues(resource).Set(float64(limit))
	m.reset.WithLabelValues(resource).Set(float64(reset))
}

// limited counts a refusal for a rate limit.
func (m *apiMetrics) limited(secondary bool) {
	kind := "primary"
	if secondary {
		kind = "secondary"
	}
	m.limitedBy.WithLabelValues(kind).Inc()
}
