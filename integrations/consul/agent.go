package consul

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/hashicorp/consul/api"
)

// maintenancePath is the agent endpoint that turns node maintenance on
// and off.
const maintenancePath = "/v1/agent/maintenance"

// maxErrorBody is how much of an error answer is read: enough for the
// first line Consul writes.
const maxErrorBody = 4 << 10

// Agents reaches the Consul agents of the fleet's nodes, each at its own
// URL, with the client's ACL token, TLS settings and timeout.
//
// Maintenance mode belongs to one agent: a node is in maintenance when its
// own agent says so, and only that agent can turn it on or off. The agent
// adds the check NodeMaintenanceCheckID, critical, with the reason as its
// notes, and the catalog shows it a moment later.
type Agents struct {
	c *Client
}

// Agents returns the handle on the fleet's agents.
func (c *Client) Agents() *Agents {
	return &Agents{c: c}
}

// Enable puts the node of the agent at agentURL ("http://10.0.0.3:8500")
// into maintenance with reason. A node already in maintenance keeps the
// reason it has: Consul ignores a second Enable.
//
// TODO: a new reason for a node already in maintenance is lost, so "maint
// on" run twice shows the first reason; replacing it takes a Disable
// first.
//
// Errors wrap ErrUnreachable, ErrTimeout or ErrDenied (the token lacks
// node write), are a *StatusError, wrap the caller's context error, or
// say that agentURL is not an http or https URL. Each names the agent.
func (a *Agents) Enable(ctx context.Context, agentURL, reason string) error {
	q := url.Values{"enable": {"true"}, "reason": {reason}}
	if err := a.maintenance(ctx, agentURL, q); err != nil {
		return fmt.Errorf("enable maintenance: %w", err)
	}
	return nil
}

// Disable takes the node of the agent at agentURL out of maintenance. A
// node that is not in maintenance stays as it is, and that is no error.
//
// Errors are those of Enable.
func (a *Agents) Disable(ctx context.Context, agentURL string) error {
	if err := a.maintenance(ctx, agentURL, url.Values{"enable": {"false"}}); err != nil {
		return fmt.Errorf("disable maintenance: %w", err)
	}
	return nil
}

// maintenance sends the maintenance request with query q to the agent at
// agentURL.
func (a *Agents) maintenance(ctx context.Context, agentURL string, q url.Values) error {
	endpoint, shown, err := agentEndpoint(agentURL, maintenancePath, q)
	if err != nil {
		return err
	}

	rctx, cancel := a.c.withTimeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPut, endpoint, nil)
	if err != nil {
		return fmt.Errorf("agent at %s: %w", shown, err)
	}
	if a.c.token != "" {
		req.Header.Set("X-Consul-Token", a.c.token)
	}

	resp, err := a.c.http.Do(req)
	if err != nil {
		return a.c.classifyAt(ctx, err, shown)
	}
	defer resp.Body.Close()
	if err := answerError(resp); err != nil {
		// A status error does not say which agent gave it.
		return fmt.Errorf("agent at %s: %w", shown, a.c.classifyAt(ctx, err, shown))
	}
	return nil
}

// answerError returns nil for a 200 answer, otherwise the status and the
// start of the body as the api package would have returned them. The
// body is read, within bounds, so that the connection can be reused.
func answerError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	return api.StatusError{Code: resp.StatusCode, Body: string(body)}
}

// agentEndpoint joins an agent's base URL and an API path, with query q.
// shown is the base URL as errors show it, without any password.
func agentEndpoint(agentURL, path string, q url.Values) (endpoint, shown string, err error) {
	u, err := url.Parse(agentURL)
	if err != nil {
		return "", "", fmt.Errorf("agent address %q: %w", agentURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", fmt.Errorf("agent address %q is not an http or https URL", u.Redacted())
	}

	shown = u.Redacted()
	u = u.JoinPath(path)
	u.RawQuery = q.Encode()
	return u.String(), shown, nil
}
