package fleet

import (
	"context"
	"errors"
	"net/url"

	"github.com/gordonbot/gordon/integrations/consul"
)

// ConsulAgents turns maintenance on and off on each node's own Consul
// agent, which URL finds from the node as the catalog has it.
type ConsulAgents struct {
	Agents *consul.Agents
	URL    *AgentURL
}

// AgentError is a node whose agent did not turn maintenance on or off.
type AgentError struct {
	Node string

	// URL is the agent's URL, without any password; empty when the node
	// has none (Err says why).
	URL string

	Err error
}

// Error names the node and the agent, then the cause.
func (e *AgentError) Error() string {
	if e.URL == "" {
		return "node " + e.Node + ": " + e.Err.Error()
	}
	return "node " + e.Node + ", agent at " + e.URL + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *AgentError) Unwrap() error { return e.Err }

// Brief says in a few words what went wrong, for a person: "agent
// unreachable at http://10.0.0.3:8500".
func (e *AgentError) Brief() string {
	switch {
	case e.URL == "":
		return "no agent URL: " + e.Err.Error()
	case errors.Is(e.Err, consul.ErrUnreachable):
		return "agent unreachable at " + e.URL
	case errors.Is(e.Err, consul.ErrTimeout):
		return "agent at " + e.URL + " did not answer in time"
	case errors.Is(e.Err, consul.ErrDenied):
		return "agent at " + e.URL + " refused gordon's ACL token (it needs node write)"
	}
	return "agent at " + e.URL + ": " + e.Err.Error()
}

// Enable puts n into maintenance with reason on its own agent. Its error
// is an *AgentError.
func (a ConsulAgents) Enable(ctx context.Context, n Node, reason string) error {
	agentURL, err := a.URL.For(n)
	if err != nil {
		return &AgentError{Node: n.Name, Err: err}
	}
	if err := a.Agents.Enable(ctx, agentURL, reason); err != nil {
		return &AgentError{Node: n.Name, URL: shownURL(agentURL), Err: err}
	}
	return nil
}

// Disable takes n out of maintenance on its own agent. Its error is an
// *AgentError.
func (a ConsulAgents) Disable(ctx context.Context, n Node) error {
	agentURL, err := a.URL.For(n)
	if err != nil {
		return &AgentError{Node: n.Name, Err: err}
	}
	if err := a.Agents.Disable(ctx, agentURL); err != nil {
		return &AgentError{Node: n.Name, URL: shownURL(agentURL), Err: err}
	}
	return nil
}

// shownURL returns an agent URL as a reply may show it, without a
// password.
func shownURL(agentURL string) string {
	u, err := url.Parse(agentURL)
	if err != nil {
		return agentURL
	}
	return u.Redacted()
}
