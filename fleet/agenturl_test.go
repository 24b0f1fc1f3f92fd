package fleet

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/integrations/consul"
)

func TestParseAgentURL(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantErr string // "" for none
	}{
		{"default", DefaultAgentURL, ""},
		{"https and a name", "https://{{.Name}}.nodes.example:8501", ""},
		{"meta port", "http://{{.Address}}:{{.Meta.consul_port}}", ""},
		{"meta host", "http://{{.Meta.mgmt_ip}}:8500", ""},
		{"index with a fallback", `http://{{.Address}}:{{or (index .Meta "port") "8500"}}`, ""},
		{"no scheme", "{{.Address}}:8500", "must start with http:// or https://"},
		{"scheme from meta", "{{.Meta.url}}", "must start with http://"},
		{"other scheme", "ftp://{{.Address}}", "must start with http://"},
		{"syntax", "http://{{.Address:8500", "parse"},
		{"unknown field", "http://{{.Adress}}:8500", "Adress"},
		{"no host", "http://:8500/{{.Name}}", "no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAgentURL(tt.text)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ParseAgentURL(%q) = %v, want no error", tt.text, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("ParseAgentURL(%q) = %v, want an error saying %q", tt.text, err, tt.wantErr)
			}
		})
	}
}

func TestAgentURLFor(t *testing.T) {
	u, err := ParseAgentURL("http://{{.Address}}:{{.Meta.consul_port}}")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		node    Node
		want    string
		wantErr string
	}{
		{"filled", Node{Name: "dm-1", Address: "10.0.0.1", Meta: map[string]string{"consul_port": "8500"}},
			"http://10.0.0.1:8500", ""},
		{"meta key missing", Node{Name: "dm-2", Address: "10.0.0.2"}, "", `no entry for key "consul_port"`},
		{"no address", Node{Name: "dm-3", Meta: map[string]string{"consul_port": "8500"}}, "", "no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := u.For(tt.node)
			if tt.wantErr == "" && (err != nil || got != tt.want) {
				t.Fatalf("For = %q, %v; want %q", got, err, tt.want)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("For = %q, %v; want an error saying %q", got, err, tt.wantErr)
			}
		})
	}
}

func TestMaintConfig(t *testing.T) {
	var c MaintConfig
	c.Defaults()
	if c.AgentURL != DefaultAgentURL || c.Validate() != nil {
		t.Fatalf("defaults = %+v (%v), want %q and valid", c, c.Validate(), DefaultAgentURL)
	}

	c.AgentURL = "{{.Address}}:8500"
	var p config.Problems
	p.Merge("consul.maint", c.Validate())
	if len(p) != 1 || p[0].Key != "consul.maint.agent_url" {
		t.Fatalf("problems = %v, want one at consul.maint.agent_url", p)
	}
}

func TestAgentErrorBrief(t *testing.T) {
	const at = "http://10.0.0.3:8500"
	tests := []struct {
		name string
		err  *AgentError
		want string
	}{
		{"unreachable", &AgentError{Node: "dm-3", URL: at,
			Err: fmt.Errorf("enable maintenance: %w at %s: connection refused", consul.ErrUnreachable, at)},
			"agent unreachable at " + at},
		{"timeout", &AgentError{Node: "dm-3", URL: at, Err: fmt.Errorf("x: %w", consul.ErrTimeout)},
			"agent at " + at + " did not answer in time"},
		{"denied", &AgentError{Node: "dm-3", URL: at, Err: fmt.Errorf("x: %w", consul.ErrDenied)},
			"agent at " + at + " refused gordon's ACL token (it needs node write)"},
		{"status", &AgentError{Node: "dm-3", URL: at, Err: &consul.StatusError{Code: 500, Body: "boom"}},
			"agent at " + at + ": consul answered 500 Internal Server Error: boom"},
		{"no URL", &AgentError{Node: "dm-3", Err: errors.New(`fill agent_url: no entry for key "port"`)},
			`no agent URL: fill agent_url: no entry for key "port"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Brief(); got != tt.want {
				t.Fatalf("Brief = %q, want %q", got, tt.want)
			}
			if !errors.Is(tt.err, errors.Unwrap(tt.err)) || !strings.Contains(tt.err.Error(), "dm-3") {
				t.Fatalf("Error = %q, want it to name the node and wrap the cause", tt.err.Error())
			}
		})
	}
}
