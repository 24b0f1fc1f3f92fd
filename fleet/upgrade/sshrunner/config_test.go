package sshrunner

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
)

func TestConfigValidate(t *testing.T) {
	good := func() Config {
		return Config{Argv: []string{"/usr/local/bin/upgrade-docker", "{{.Version}}"}, User: "root",
			KnownHosts: "/etc/gordon/known_hosts", KeyFile: "/etc/gordon/id_ed25519"}
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string // "" when valid
	}{
		{"fine", func(*Config) {}, ""},
		{"agent only", func(c *Config) { c.KeyFile, c.Agent = "", true }, ""},
		{"lab", func(c *Config) { c.KnownHosts, c.InsecureIgnoreHostKey = "", true }, ""},
		{"no argv", func(c *Config) { c.Argv = nil }, "argv: required"},
		{"templated program", func(c *Config) { c.Argv = []string{"{{.Node}}"} }, "argv[0]: the program may not"},
		{"unknown field", func(c *Config) { c.Argv = []string{"x", "{{.Nodes}}"} }, "argv[1]: template"},
		{"bad probe", func(c *Config) { c.Probe = []string{"x", "{{.Node"} }, "probe[1]: bad template"},
		{"no user", func(c *Config) { c.User = "" }, "user: required"},
		{"bad user template", func(c *Config) { c.User = "{{.Whom}}" }, "user: template"},
		{"bad host template", func(c *Config) { c.Host = "{{.Addr}}" }, "host: template"},
		{"bad port", func(c *Config) { c.Port = 70000 }, "port: must be"},
		{"no host keys", func(c *Config) { c.KnownHosts = "" }, "known_hosts: required"},
		{"both host key choices", func(c *Config) { c.InsecureIgnoreHostKey = true }, "insecure_ignore_host_key: given with known_hosts"},
		{"no key", func(c *Config) { c.KeyFile = "" }, "key_file: required unless agent"},
		{"stray passphrase", func(c *Config) { c.KeyFile, c.Agent, c.KeyPassword = "", true, "x" }, "key_password: given without"},
		{"stray socket", func(c *Config) { c.AgentSocket = "/tmp/s" }, "agent_socket: given without"},
		{"templated consul", func(c *Config) { c.Consul = "{{.Node}}" }, "consul: must name"},
		{"short timeout", func(c *Config) { c.Timeout = config.Duration(time.Millisecond) }, "timeout: must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good()
			tt.change(&cfg)
			cfg.Defaults()
			err := cfg.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	cfg := Config{InsecureIgnoreHostKey: true}
	if w := cfg.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], "insecure_ignore_host_key: ") {
		t.Fatalf("Warnings = %q", w)
	}
	if w := (Config{KnownHosts: "/etc/gordon/known_hosts"}).Warnings(); w != nil {
		t.Fatalf("Warnings with known_hosts = %q", w)
	}
}

func TestNewReadsItsFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Argv: []string{"true"}, User: "root", KnownHosts: filepath.Join(dir, "missing"),
		KeyFile: filepath.Join(dir, "missing-key")}
	if _, err := New(cfg, nil); err == nil || !strings.Contains(err.Error(), "known_hosts") {
		t.Fatalf("New with no known_hosts file = %v", err)
	}
}
