package jenkins

import (
	"io"
	"net/http"
)

// maxDrain bounds what is read of an answer nobody wants any more: more
// than that costs more than a new connection.
const maxDrain = 256 << 10

// drainingTransport reads what is left of an answer's body before closing
// it. gojenkins closes a body as soon as it has decoded the JSON, which
// leaves the end of a chunked answer unread, and Go then drops the
// connection instead of reusing it: every request after the first would
// pay a new connection (a TLS handshake against a real Jenkins).
type drainingTransport struct {
	base http.RoundTripper
}

// RoundTrip sends req with the base transport.
func (t drainingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if resp != nil && resp.Body != nil {
		resp.Body = drainingBody{resp.Body}
	}
	return resp, err
}

// drainingBody is a body that is read to its end, within maxDrain, when
// it is closed.
type drainingBody struct {
	io.ReadCloser
}

// Close reads the rest of the body, then closes it.
func (b drainingBody) Close() error {
	_, _ = io.Copy(io.Discard, io.LimitReader(b.ReadCloser, maxDrain))
	return b.ReadCloser.Close()
}
