package jenkins

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestConfigDecodesFromTOML(t *testing.T) {
	const doc = `
url = "http://127.0.0.1:8080"
user = "gordon"
token = "t0ken"
pr_jobs = ["docker-pr", "docker-pr-experimental"]
pr_param = "PR"
node_param = "NODE"
timeout = "3s"
queue_limit = "1h"
`
	var cfg Config
	md, err := toml.Decode(doc, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if und := md.Undecoded(); len(und) != 0 {
		t.Fatalf("undecoded keys: %v", und)
	}
	cfg.Defaults()

	if cfg.Timeout != 3*time.Second || cfg.QueueLimit != time.Hour || cfg.BuildLimit != 6*time.Hour ||
		cfg.RequestedByParam != "GORDON_USER" || cfg.ReadAttempts != 3 {
		t.Fatalf("config = %+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		keys []string
	}{
		{"defaults are valid", func(*Config) {}, nil},
		{"no url", func(c *Config) { c.URL = "" }, []string{"url"}},
		{"ftp url", func(c *Config) { c.URL = "ftp://ci" }, []string{"url"}},
		{"credentials in url", func(c *Config) { c.URL = "http://u:p@ci" }, []string{"url"}},
		{"user without token", func(c *Config) { c.Token = "" }, []string{"token"}},
		{"anonymous", func(c *Config) { c.User, c.Token = "", "" }, nil},
		{"duplicate job", func(c *Config) { c.PRJobs = []string{"a", "a", " "} }, []string{"pr_jobs[1]", "pr_jobs[2]"}},
		{"bad param", func(c *Config) { c.PRParam = "P R" }, []string{"pr_param"}},
		{
			name: "bad times, all reported",
			edit: func(c *Config) {
				c.Timeout, c.PollMaxInterval, c.ReadAttempts = time.Hour, time.Nanosecond, 20
			},
			keys: []string{"timeout", "poll_max_interval", "read_attempts"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{URL: "https://ci.example.org/jenkins", User: "gordon", Token: "t"}
			cfg.Defaults()
			tt.edit(&cfg)

			if got := configKeys(cfg.Validate()); strings.Join(got, " ") != strings.Join(tt.keys, " ") {
				t.Fatalf("problems at %v, want %v (%v)", got, tt.keys, cfg.Validate())
			}
		})
	}
}

// configKeys returns the keys of the *ConfigError values joined in err.
func configKeys(err error) []string {
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return nil
	}

	var keys []string
	for _, e := range joined.Unwrap() {
		var ce *ConfigError
		if errors.As(e, &ce) {
			keys = append(keys, ce.Key)
		}
	}
	return keys
}

func TestConfigLogValueHidesToken(t *testing.T) {
	var b strings.Builder
	log := slog.New(slog.NewTextHandler(&b, nil))
	log.Info("config", "jenkins", Config{URL: "http://ci", User: "gordon", Token: "s3cret-token"})

	if strings.Contains(b.String(), "s3cret") {
		t.Fatalf("token logged: %s", b.String())
	}
}
