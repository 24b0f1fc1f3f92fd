package github

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want []string // keys with a problem, in order
	}{
		{"defaults with a secret", nil, nil},
		{"several secrets", func(c *Config) { c.WebhookSecrets = []string{"a", "b"} }, nil},
		{"own listener with tls", func(c *Config) {
			c.Listen, c.TLSCert, c.TLSKey = ":8443", "hook.pem", "hook.key"
		}, nil},
		{"listener without a secret", func(c *Config) {
			c.WebhookSecrets, c.Listen = nil, ":8443"
		}, []string{"webhook_secrets"}},
		{"empty and padded secrets", func(c *Config) {
			c.WebhookSecrets = []string{"", " spaced "}
		}, []string{"webhook_secrets[0]", "webhook_secrets[1]"}},
		{"bad listen", func(c *Config) { c.Listen = "8443" }, []string{"listen"}},
		{"cert without key", func(c *Config) {
			c.Listen, c.TLSCert = ":8443", "hook.pem"
		}, []string{"tls_cert"}},
		{"tls on the shared listener", func(c *Config) {
			c.TLSCert, c.TLSKey = "hook.pem", "hook.key"
		}, []string{"listen"}},
		{"limits out of range", func(c *Config) {
			c.MaxBody, c.QueueSize, c.Workers = 10, -1, 100
		}, []string{"max_body", "queue_size", "workers"}},
		{"short retention", func(c *Config) { c.Retention = 24 * time.Hour }, []string{"retention"}},
		{"gating with a token", func(c *Config) {
			c.Repos, c.Token = []string{"docker/docker", "docker/compose"}, "ghp_abc"
		}, nil},
		{"enterprise api", func(c *Config) { c.APIURL = "https://ghe.example.org/api/v3/" }, nil},
		{"bad api url", func(c *Config) { c.APIURL = "ftp://api.github.com/" }, []string{"api_url"}},
		{"api url with credentials", func(c *Config) {
			c.APIURL = "https://bot:pw@api.github.com/"
		}, []string{"api_url"}},
		{"repos without a token", func(c *Config) { c.Repos = []string{"docker/docker"} }, []string{"token"}},
		{"padded token", func(c *Config) { c.Token = "ghp_abc\n" }, []string{"token"}},
		{"malformed and repeated repos", func(c *Config) {
			c.Token = "ghp_abc"
			c.Repos = []string{"docker", "docker/docker", "Docker/Docker", "docker/docker/x"}
		}, []string{"repos[0]", "repos[2]", "repos[3]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{WebhookSecrets: []string{testSecret}}
			if tt.edit != nil {
				tt.edit(&c)
			}
			c.Defaults()

			var keys []string
			for _, e := range ConfigErrors(c.Validate()) {
				keys = append(keys, e.Key)
			}
			if strings.Join(keys, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("problems at %q, want %q (%v)", keys, tt.want, c.Validate())
			}
		})
	}
}

func TestConfigDisabledWithoutSecrets(t *testing.T) {
	var c Config
	c.Defaults()
	if c.Enabled() || c.Validate() != nil {
		t.Fatalf("an empty section: enabled %v, problems %v", c.Enabled(), c.Validate())
	}
}

func TestConfigGatingNeedsSecrets(t *testing.T) {
	c := Config{Repos: []string{"docker/docker"}, Token: "ghp_abc"}
	c.Defaults()

	var keys []string
	for _, e := range ConfigErrors(c.Validate()) {
		keys = append(keys, e.Key)
	}
	if strings.Join(keys, ",") != "webhook_secrets" || !c.Gating() {
		t.Fatalf("problems at %q, gating %v", keys, c.Gating())
	}
	if c.APIURL != DefaultAPIURL {
		t.Fatalf("api_url defaults to %q", c.APIURL)
	}
}

func TestConfigErrorsMessage(t *testing.T) {
	c := Config{WebhookSecrets: []string{""}, MaxBody: 1}
	c.Defaults()

	errs := ConfigErrors(c.Validate())
	if len(errs) != 2 || errs[0].Error() != "webhook_secrets[0]: empty" {
		t.Fatalf("got %v", errs)
	}
	if ConfigErrors(nil) != nil {
		t.Fatal("no error should give no problems")
	}
}
