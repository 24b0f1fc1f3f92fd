package github

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// Headers GitHub sends with every delivery.
const (
	EventHeader    = "X-GitHub-Event"
	DeliveryHeader = "X-GitHub-Delivery"
	HookIDHeader   = "X-GitHub-Hook-ID"
)

// Content types GitHub delivers in: the payload as the body, or as the
// payload field of a form.
const (
	contentJSON = "application/json"
	contentForm = "application/x-www-form-urlencoded"
)

// maxDeliveryID bounds the X-GitHub-Delivery header; GitHub sends a GUID.
const maxDeliveryID = 128

// ErrMalformed means a delivery's headers or body cannot be read as a
// GitHub delivery. The error wrapping it says what is wrong.
var ErrMalformed = errors.New("malformed delivery")

// rejection is a refused delivery: the status it is answered with, the
// outcome it is counted under, and why.
type rejection struct {
	status  int
	outcome string
	err     error
}

// Error returns why the delivery was refused.
func (r *rejection) Error() string { return r.err.Error() }

// Unwrap returns the cause, for errors.Is and errors.As.
func (r *rejection) Unwrap() error { return r.err }

func reject(status int, outcome string, err error) error {
	return &rejection{status: status, outcome: outcome, err: err}
}

func malformed(format string, args ...any) error {
	err := fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
	return reject(http.StatusBadRequest, outcomeBadRequest, err)
}

// badBody is a body that could not be read or decoded.
func badBody(what string, err error) error {
	err = fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	return reject(http.StatusBadRequest, outcomeBadRequest, err)
}

// headers are what the receiver reads from a delivery's headers.
type headers struct {
	event     string
	delivery  string
	hookID    string
	signature string
	mediaType string
}

// readHeaders checks the method and the headers of req before its body
// is read, so that most bad requests cost nothing.
func readHeaders(req *http.Request) (headers, error) {
	h := headers{
		event:     req.Header.Get(EventHeader),
		delivery:  req.Header.Get(DeliveryHeader),
		hookID:    req.Header.Get(HookIDHeader),
		signature: req.Header.Get(SignatureHeader),
	}

	if req.Method != http.MethodPost {
		err := fmt.Errorf("method %s: deliveries are POSTed", req.Method)
		return h, reject(http.StatusMethodNotAllowed, outcomeBadMethod, err)
	}
	if err := checkEventHeaders(h); err != nil {
		return h, err
	}
	if _, err := parseSignature(h.signature); err != nil {
		return h, reject(http.StatusUnauthorized, outcomeUnsigned, err)
	}

	var err error
	h.mediaType, err = mediaType(req.Header.Get("Content-Type"))
	return h, err
}

// checkEventHeaders requires the event type and a delivery ID that can
// serve as a key.
func checkEventHeaders(h headers) error {
	switch {
	case h.event == "":
		return malformed("no %s header", EventHeader)
	case !isToken(h.event, 64):
		return malformed("%s is not an event name", EventHeader)
	case h.delivery == "":
		return malformed("no %s header", DeliveryHeader)
	case !isToken(h.delivery, maxDeliveryID):
		return malformed("%s is not a delivery id", DeliveryHeader)
	}
	return nil
}

// isToken reports whether s is 1 to max letters, digits, '-', '_' or '.'.
func isToken(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// mediaType returns the content type if GitHub could have sent it.
func mediaType(header string) (string, error) {
	mt, _, err := mime.ParseMediaType(header)
	if err == nil && (mt == contentJSON || mt == contentForm) {
		return mt, nil
	}

	err = fmt.Errorf("content type %q: want %s or %s", header, contentJSON, contentForm)
	return "", reject(http.StatusUnsupportedMediaType, outcomeBadType, err)
}

// readBody reads the whole body, at most limit bytes. It sizes the buffer
// from Content-Length when the client sent one, so that a 25 MB body is
// read into one allocation.
func readBody(w http.ResponseWriter, req *http.Request, limit int64) ([]byte, error) {
	if req.ContentLength > limit {
		return nil, tooLarge(req.ContentLength, limit)
	}

	r := http.MaxBytesReader(w, req.Body, limit)
	var body []byte
	var err error
	if req.ContentLength >= 0 {
		body = make([]byte, req.ContentLength)
		_, err = io.ReadFull(r, body)
	} else {
		var buf bytes.Buffer
		_, err = buf.ReadFrom(r)
		body = buf.Bytes()
	}

	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, tooLarge(-1, limit)
	case err != nil:
		return nil, badBody("reading body", err)
	}
	return body, nil
}

func tooLarge(size, limit int64) error {
	err := fmt.Errorf("body over %d bytes", limit)
	if size >= 0 {
		err = fmt.Errorf("body of %d bytes is over %d", size, limit)
	}
	return reject(http.StatusRequestEntityTooLarge, outcomeTooLarge, err)
}

// payloadOf returns the JSON payload of body: the body itself, or the
// payload field of a form.
func payloadOf(mediaType string, body []byte) ([]byte, error) {
	if mediaType == contentJSON {
		return body, nil
	}

	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badBody("form body", err)
	}
	payload := form.Get("payload")
	if payload == "" {
		return nil, malformed("form body has no payload field")
	}
	return []byte(payload), nil
}
