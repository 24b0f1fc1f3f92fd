package consul

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	var c Config
	c.Defaults()

	if c.Address != DefaultAddress || c.Timeout != DefaultTimeout {
		t.Fatalf("defaults = %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	good := Config{Address: "127.0.0.1:8500", Timeout: time.Second}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // "key: words"
	}{
		{"good", func(c *Config) {}, nil},
		{"https with CA", func(c *Config) {
			c.Address, c.CAFile, c.TLSServerName = "https://consul.example:8501", "/etc/ca.pem", "consul"
		}, nil},
		{"no port", func(c *Config) { c.Address = "127.0.0.1" }, []string{"address: not host:port"}},
		{"empty host", func(c *Config) { c.Address = ":8500" }, []string{"address: missing host"}},
		{"bad scheme", func(c *Config) { c.Address = "ftp://h:1" }, []string{"address: scheme"}},
		{"token with newline", func(c *Config) { c.Token = "abc\n" }, []string{"token: line breaks"}},
		{"bad datacenter", func(c *Config) { c.Datacenter = "dc 1" }, []string{"datacenter: not a datacenter"}},
		{"CA without https", func(c *Config) { c.CAFile = "/etc/ca.pem" }, []string{"ca_file: https"}},
		{"timeout too short", func(c *Config) { c.Timeout = time.Millisecond }, []string{"timeout: between"}},
		{"several", func(c *Config) { c.Address, c.Timeout = "nope", time.Hour },
			[]string{"address: host:port", "timeout: between"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)

			problems := c.Problems()
			if len(problems) != len(tt.want) {
				t.Fatalf("Problems() = %v, want %v", problems, tt.want)
			}
			for i, w := range tt.want {
				key, words, _ := strings.Cut(w, ": ")
				if problems[i].Key != key || !strings.Contains(problems[i].Reason, words) {
					t.Errorf("problem %d = %v, want %q", i, problems[i], w)
				}
			}

			err := c.Validate()
			var fe *FieldError
			if (err != nil) != (len(tt.want) > 0) || err != nil && !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v, want *FieldErrors for %v", err, tt.want)
			}
		})
	}
}

func TestNewReadsCAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		path string
	}{
		{"missing", filepath.Join(t.TempDir(), "missing.pem")},
		{"not PEM", path},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Config{Address: "https://127.0.0.1:8501", CAFile: tt.path})
			if err == nil {
				t.Fatalf("New with CA file %s = nil error", tt.path)
			}
		})
	}
}
