package github

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Path is where the receiver is mounted, on the [http] listener or on its
// own.
const Path = "/hooks/github"

// Defaults for the keys of Config.
const (
	// DefaultMaxBody is GitHub's own cap on a delivery's payload.
	DefaultMaxBody = 25 << 20

	// DefaultQueueSize is how many taken deliveries may wait for the
	// handler before the receiver answers 503.
	DefaultQueueSize = 1024

	// DefaultWorkers is one, so that events are handled, and announced,
	// in the order they arrived.
	DefaultWorkers = 1

	// DefaultRetention is how long delivery IDs are kept for recognising
	// redeliveries.
	DefaultRetention = 7 * 24 * time.Hour
)

// minRetention is the shortest retention allowed: GitHub lets a person
// redeliver a delivery of the last three days.
const minRetention = 72 * time.Hour

// Config is the receiver's part of the [github] section.
type Config struct {
	// WebhookSecrets are the secrets a delivery may be signed with. A
	// delivery signed with any one of them is taken, so that a secret
	// can be rotated: add the new one, change it on GitHub, then drop
	// the old one. Webhooks are served only when at least one is set.
	WebhookSecrets []string `toml:"webhook_secrets"`

	// Listen, when set, is a host:port of its own for the receiver;
	// otherwise the receiver is mounted on the [http] listener.
	Listen string `toml:"listen"`

	// TLSCert and TLSKey are PEM files for Listen; both or neither.
	TLSCert string `toml:"tls_cert"`
	TLSKey  string `toml:"tls_key"`

	// MaxBody is the largest body, in bytes, that is read.
	MaxBody int64 `toml:"max_body"`

	// QueueSize is how many events may wait for the handler.
	QueueSize int `toml:"queue_size"`

	// Workers is how many events are handled at once.
	Workers int `toml:"workers"`

	// Retention is how long a delivery ID is remembered.
	Retention time.Duration `toml:"retention"`
}

// ConfigError is one problem with a Config, named by its key within the
// section, such as "tls_key". Validate joins them with errors.Join.
type ConfigError struct {
	Key string
	Msg string
}

// Error returns "key: message".
// ConfigKey returns the key and the message apart, for a caller that
// puts the key under its section.
func (e *ConfigError) ConfigKey() (key, msg string) {
	return e.Key, e.Msg
}

func (e *ConfigError) Error() string {
	return e.Key + ": " + e.Msg
}

// ConfigErrors returns the problems in err, as Validate returns it, in
// order, looking through wrapping. An err that holds no ConfigError
// gives nil.
func ConfigErrors(err error) []*ConfigError {
	var out []*ConfigError
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case *ConfigError:
			out = append(out, x)
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}

	if err != nil {
		walk(err)
	}
	return out
}

// Enabled reports whether webhooks are served, which takes a secret.
func (c Config) Enabled() bool {
	return len(c.WebhookSecrets) > 0
}

// Defaults fills in the values the config left unset.
func (c *Config) Defaults() {
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	if c.Retention == 0 {
		c.Retention = DefaultRetention
	}
}

// Validate reports every problem, each a *ConfigError naming its key,
// joined into one error; nil when there is none. It does not read the
// TLS files: NewServer does.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}

	c.checkSecrets(add)
	c.checkListener(add)
	if c.MaxBody < 1<<10 || c.MaxBody > 1<<30 {
		add("max_body", "must be between 1024 and 1073741824 bytes, got %d", c.MaxBody)
	}
	if c.QueueSize < 1 || c.QueueSize > 1<<20 {
		add("queue_size", "must be between 1 and 1048576, got %d", c.QueueSize)
	}
	if c.Workers < 1 || c.Workers > 64 {
		add("workers", "must be between 1 and 64, got %d", c.Workers)
	}
	if c.Retention < minRetention {
		add("retention", "must be at least %s, since GitHub redelivers up to 3 days back; got %s",
			minRetention, c.Retention)
	}
	return errors.Join(errs...)
}

// checkSecrets reports empty or padded secrets, and a listener with none.
func (c Config) checkSecrets(add func(key, format string, args ...any)) {
	if !c.Enabled() && (c.Listen != "" || c.TLSCert != "" || c.TLSKey != "") {
		add("webhook_secrets", "required to serve webhooks: gordon takes no unsigned delivery")
	}

	for i, s := range c.WebhookSecrets {
		key := fmt.Sprintf("webhook_secrets[%d]", i)
		switch {
		case s == "":
			add(key, "empty")
		case strings.TrimSpace(s) != s:
			add(key, "starts or ends with white space, which GitHub would not send")
		}
	}
}

// checkListener reports a bad listen address and TLS files without it.
func (c Config) checkListener(add func(key, format string, args ...any)) {
	if c.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			add("listen", "%q is not host:port", c.Listen)
		}
	}

	if (c.TLSCert == "") != (c.TLSKey == "") {
		add("tls_cert", "give tls_cert and tls_key together")
	}
	if c.TLSCert != "" && c.Listen == "" {
		add("listen", "required with tls_cert: TLS is served on the receiver's own listener")
	}
}

// tlsConfig loads the certificate for the receiver's own listener; nil
// when TLS is not configured.
func (c Config) tlsConfig() (*tls.Config, error) {
	if c.TLSCert == "" {
		return nil, nil
	}

	cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("load webhook tls certificate %s: %w", c.TLSCert, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}
