package fleet

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"text/template"

	"github.com/gordonbot/gordon/config"
)

// DefaultAgentURL reaches a node's agent on Consul's HTTP port at the
// address the catalog has for the node.
const DefaultAgentURL = "http://{{.Address}}:8500"

// MaintConfig is the [consul.maint] table: how gordon reaches the Consul
// agent of each node to turn its maintenance on and off.
type MaintConfig struct {
	// AgentURL is a text/template of the URL of a node's own agent. It
	// sees the node's {{.Name}}, {{.Address}} and {{.Meta.key}}, where key
	// is a node-meta key as in Consul; a node lacking a key it names gets
	// no URL. It must start with http:// or https://.
	AgentURL string `toml:"agent_url"`
}

// Defaults fills what was left unset.
func (c *MaintConfig) Defaults() {
	if c.AgentURL == "" {
		c.AgentURL = DefaultAgentURL
	}
}

// Validate reports every problem with its key.
func (c MaintConfig) Validate() error {
	var p config.Problems
	if _, err := ParseAgentURL(c.AgentURL); err != nil {
		p.Add("agent_url", "%v", err)
	}
	return p.Err()
}

// AgentURL makes the URL of a node's own Consul agent from a template.
// It is safe for concurrent use.
type AgentURL struct {
	tmpl *template.Template
}

// agentURLData is what the template sees of a node.
type agentURLData struct {
	Name    string
	Address string
	Meta    map[string]string
}

// metaRef finds the node-meta keys a template names as .Meta.key, so that
// checking it does not trip over a key the sample node lacks.
var metaRef = regexp.MustCompile(`\.Meta\.([A-Za-z0-9_-]+)`)

// sampleNode stands for a fleet node when a template is checked.
var sampleNode = Node{Name: "dm-1", Address: "192.0.2.1"}

// ParseAgentURL parses and checks an agent URL template: it must start
// with http:// or https://, so that no node's metadata chooses the
// scheme, and must give a URL for a node that has every meta key it
// names.
func ParseAgentURL(text string) (*AgentURL, error) {
	if !strings.HasPrefix(text, "http://") && !strings.HasPrefix(text, "https://") {
		return nil, fmt.Errorf("%q must start with http:// or https://", text)
	}
	tmpl, err := template.New("agent_url").Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", text, err)
	}
	u := &AgentURL{tmpl: tmpl}

	sample := sampleNode
	sample.Meta = map[string]string{}
	for _, m := range metaRef.FindAllStringSubmatch(text, -1) {
		sample.Meta[m[1]] = "1"
	}
	if _, err := u.For(sample); err != nil {
		return nil, fmt.Errorf("check %q on a sample node: %w", text, err)
	}
	return u, nil
}

// For returns the URL of n's agent, or an error saying why n has none: a
// meta key it lacks, or an address that makes no URL. The error does not
// name the node; the caller does.
func (u *AgentURL) For(n Node) (string, error) {
	var b strings.Builder
	data := agentURLData{Name: n.Name, Address: n.Address, Meta: n.Meta}
	if err := u.tmpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("fill agent_url: %w", err)
	}

	parsed, err := url.Parse(b.String())
	if err != nil {
		return "", fmt.Errorf("agent_url gives %q: %w", b.String(), err)
	}
	if parsed.Hostname() == "" {
		return "", fmt.Errorf("agent_url gives %q, which has no host", parsed.Redacted())
	}
	return b.String(), nil
}
