package github

import (
	"errors"
	"io"
	"net/http"
	"strconv"
)

// answer writes the response and counts the delivery.
func (r *Receiver) answer(w http.ResponseWriter, req *http.Request, h headers,
	outcome string, err error) {
	var rej *rejection
	if err != nil && !errors.As(err, &rej) {
		rej = &rejection{status: http.StatusInternalServerError, outcome: outcomeInternal, err: err}
	}

	if rej != nil {
		outcome = rej.outcome
		r.refuse(w, req, h, rej)
	} else {
		r.acknowledge(w, h, outcome)
	}

	r.metrics.deliveries.WithLabelValues(r.eventLabel(h.event), outcome).Inc()
}

// acknowledge answers 202 to a delivery taken, known or ignored.
func (r *Receiver) acknowledge(w http.ResponseWriter, h headers, outcome string) {
	text := map[string]string{
		outcomeAccepted:  "accepted",
		outcomeDuplicate: "already accepted; not acted on again",
		outcomeIgnored:   "event type ignored",
	}[outcome]

	if outcome == outcomeDuplicate {
		r.log.Info("github redelivery acknowledged", keyDelivery, h.delivery, keyEvent, h.event)
	} else {
		r.log.Debug("github delivery", keyDelivery, h.delivery, keyEvent, h.event,
			keyOutcome, outcome)
	}
	writeText(w, http.StatusAccepted, text)
}

// refuse answers a refused delivery with its status and a short reason.
func (r *Receiver) refuse(w http.ResponseWriter, req *http.Request, h headers, rej *rejection) {
	switch rej.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", http.MethodPost)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	case http.StatusUnauthorized:
		r.metrics.sigFailures.WithLabelValues(signatureReason(rej.err)).Inc()
	}

	r.log.Warn("github delivery refused", keyStatus, rej.status, keyError, rej.err,
		keyDelivery, h.delivery, keyEvent, h.event, keyRemote, req.RemoteAddr)
	writeText(w, rej.status, rej.err.Error())
}

// signatureReason names a signature failure for the metric's label.
func signatureReason(err error) string {
	switch {
	case errors.Is(err, ErrNoSignature):
		return "missing"
	case errors.Is(err, ErrMalformedSignature):
		return "malformed"
	}
	return "mismatch"
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text+"\n")
}

// eventLabel returns t when go-github knows it, so that a caller cannot
// grow the metric's label set at will.
func (r *Receiver) eventLabel(t string) string {
	if !r.known[t] {
		return eventUnknown
	}
	return t
}
