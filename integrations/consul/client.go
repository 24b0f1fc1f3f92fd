package consul

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
)

// Client reads the fleet from one Consul agent. It is safe for concurrent
// use.
type Client struct {
	api     *api.Client
	address string // as configured, for error messages
	timeout time.Duration

	// http and token reach agents other than the configured one (see
	// Agents) with the same TLS settings and ACL token, the token being
	// the one api.NewClient settled on, environment included.
	http  *http.Client
	token string
}

// New returns a client for the agent cfg names. cfg must be validated;
// New reads the CA file, and connects to nothing until a request is made.
func New(cfg Config) (*Client, error) {
	cfg.Defaults()
	scheme, hostPort := splitScheme(cfg.Address)

	tlsConfig, err := api.SetupTLSConfig(&api.TLSConfig{
		Address: cfg.TLSServerName,
		CAFile:  cfg.CAFile,
	})
	if err != nil {
		return nil, fmt.Errorf("consul client: tls: %w", err)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig

	// api.NewClient fills apiCfg in place, reading the token from the
	// environment when cfg has none.
	apiCfg := &api.Config{
		Address:    hostPort,
		Scheme:     scheme,
		Datacenter: cfg.Datacenter,
		Token:      cfg.Token,
		HttpClient: &http.Client{Transport: transport},
	}
	a, err := api.NewClient(apiCfg)
	if err != nil {
		return nil, fmt.Errorf("consul client: %w", err)
	}

	c := &Client{api: a, address: cfg.Address, timeout: cfg.Timeout, http: apiCfg.HttpClient, token: apiCfg.Token}
	return c, nil
}

// The ways a request to Consul fails, for errors.Is. The errors the client
// returns wrap one of these, or are a *StatusError, or wrap the caller's
// own context error when it was cancelled; an answer that is not what
// Consul sends (a JSON error, say) is none of these.
var (
	// ErrUnreachable: no connection to the agent (refused, no route, DNS).
	ErrUnreachable = errors.New("consul unreachable")

	// ErrTimeout: the agent did not answer within the configured timeout.
	ErrTimeout = errors.New("consul did not answer in time")

	// ErrDenied: the agent refused the ACL token (403), because it does
	// not know it or because it lacks a permission.
	ErrDenied = errors.New("consul refused the ACL token")
)

// maxBody is how much of an error body an error keeps: Consul's are one
// short line, and anything longer is not worth showing to a person.
const maxBody = 160

// StatusError is an answer with an unexpected HTTP status, other than 403.
type StatusError struct {
	Code int

	// Body is the first line of what Consul said, shortened.
	Body string
}

// Error returns the status and what Consul said, as in
// "consul answered 500 Internal Server Error: rpc error".
func (e *StatusError) Error() string {
	text := fmt.Sprintf("consul answered %d %s", e.Code, http.StatusText(e.Code))
	if e.Body == "" {
		return text
	}
	return text + ": " + e.Body
}

// classify turns an error of the api package into one of this package's.
// parent is the caller's context, to tell its cancellation from the
// client's own timeout.
func (c *Client) classify(parent context.Context, err error) error {
	return c.classifyAt(parent, err, c.address)
}

// classifyAt is classify for a request to the agent at address.
func (c *Client) classifyAt(parent context.Context, err error, address string) error {
	var status api.StatusError
	var transport *url.Error
	switch {
	case parent.Err() != nil:
		return fmt.Errorf("consul request abandoned: %w", parent.Err())
	case errors.As(err, &status) && status.Code == http.StatusForbidden:
		return fmt.Errorf("%w: %s", ErrDenied, shorten(status.Body))
	case errors.As(err, &status):
		return &StatusError{Code: status.Code, Body: shorten(status.Body)}
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w (%s, at %s)", ErrTimeout, c.timeout, address)
	case errors.As(err, &transport):
		// Its text would repeat the request URL, filter expression and
		// all; the cause inside says enough.
		return fmt.Errorf("%w at %s: %w", ErrUnreachable, address, transport.Err)
	}
	return fmt.Errorf("unreadable answer from consul at %s: %w", address, err)
}

// shorten keeps the first line of an error body, at most maxBody bytes
// and never cutting a UTF-8 sequence.
func shorten(body string) string {
	body = strings.TrimSpace(body)
	if i := strings.IndexAny(body, "\r\n"); i >= 0 {
		body = body[:i]
	}
	if len(body) <= maxBody {
		return body
	}

	cut := maxBody
	for cut > 0 && body[cut]&0xC0 == 0x80 {
		cut--
	}
	return body[:cut] + "..."
}

// withTimeout returns a context bounded by the client's timeout.
func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
}
