package github

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
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

	// DefaultAPIURL is the REST API of github.com.
	DefaultAPIURL = "https://api.github.com/"
)

// repoName is the shape of an owner/name pair, as GitHub allows them.
var repoName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)

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

	// APIURL is the root of the REST API: DefaultAPIURL, or for GitHub
	// Enterprise Server https://HOST/api/v3/.
	APIURL string `toml:"api_url"`

	// Token authenticates API calls. It needs to read pull requests and
	// collaborators and to write commit statuses and comments. Give it
	// as ${NAME} or with token_file, never in the file itself.
	Token string `toml:"token"`

	// Repos are the owner/name of the repositories whose pull requests
	// gordon gates. None leaves gating off.
	Repos []string `toml:"repos"`
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

// Gating reports whether pull requests are gated, which takes repos.
func (c Config) Gating() bool {
	return len(c.Repos) > 0
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
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
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
	c.checkAPI(add)
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

// checkAPI reports a bad API root, a token with white space, and repos
// that are malformed, listed twice or gated without what gating needs.
func (c Config) checkAPI(add func(key, format string, args ...any)) {
	if c.APIURL != "" || c.Gating() {
		if msg := checkAPIURL(c.APIURL); msg != "" {
			add("api_url", "%s", msg)
		}
	}
	if strings.TrimSpace(c.Token) != c.Token || strings.ContainsAny(c.Token, " \t\r\n") {
		add("token", "contains white space, which no GitHub token does")
	}
	if c.Gating() && c.Token == "" {
		add("token", "required by repos: gating writes commit statuses and comments")
	}
	if c.Gating() && !c.Enabled() {
		add("webhook_secrets", "required by repos: gating acts on signed deliveries only")
	}

	seen := map[string]bool{}
	for i, r := range c.Repos {
		key := fmt.Sprintf("repos[%d]", i)
		switch {
		case !repoName.MatchString(r):
			add(key, "%q is not owner/name", r)
		case seen[strings.ToLower(r)]:
			add(key, "%q is listed twice", r)
		}
		seen[strings.ToLower(r)] = true
	}
}

// checkAPIURL returns why s is not a usable API root, or "".
func checkAPIURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("not a URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("%q is not an http or https URL", s)
	case u.Host == "":
		return fmt.Sprintf("%q names no host", s)
	case u.User != nil:
		return "put the credentials in token, not in the URL"
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Sprintf("%q has a query or fragment", s)
	}
	return ""
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
