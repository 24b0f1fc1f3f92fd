package jenkins

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Config is the [jenkins] section of gordon's configuration. Durations are
// time.Duration fields, which TOML reads from text such as "30s".
type Config struct {
	// URL is Jenkins' root, such as "https://ci.example.org/jenkins".
	URL string `toml:"url"`

	// User and Token authenticate every request (HTTP basic auth with an
	// API token). Both empty means anonymous access.
	User  string `toml:"user"`
	Token string `toml:"token"`

	// PRJobs are the jobs that test a pull request; PRParam is the
	// parameter carrying its number, SHAParam the one carrying the head
	// commit when gordon gates pull requests.
	PRJobs   []string `toml:"pr_jobs"`
	PRParam  string   `toml:"pr_param"`
	SHAParam string   `toml:"sha_param"`

	// NodeParam is the parameter (a node name or a label expression) that
	// pins a build to a node.
	NodeParam string `toml:"node_param"`

	// RequestedByParam is the parameter that receives who asked for a
	// build, set only for jobs that define it.
	RequestedByParam string `toml:"requested_by_param"`

	// Timeout bounds one HTTP request, crumb included.
	Timeout time.Duration `toml:"timeout"`

	// ReadAttempts is how many times a read is tried before it fails.
	// Writes are never repeated.
	ReadAttempts int `toml:"read_attempts"`

	// PollInterval is the first wait between two looks at a queue item or
	// a running build; each wait is half as long again as the one before,
	// up to PollMaxInterval.
	PollInterval    time.Duration `toml:"poll_interval"`
	PollMaxInterval time.Duration `toml:"poll_max_interval"`

	// QueueLimit is how long an item is followed in the queue, and
	// BuildLimit how long a running build is followed, before giving up.
	QueueLimit time.Duration `toml:"queue_limit"`
	BuildLimit time.Duration `toml:"build_limit"`
}

// Defaults fills what was left unset.
func (c *Config) Defaults() {
	setDefault(&c.PRParam, "PR")
	setDefault(&c.SHAParam, "SHA")
	setDefault(&c.NodeParam, "NODE")
	setDefault(&c.RequestedByParam, "GORDON_USER")
	setDefault(&c.Timeout, 10*time.Second)
	setDefault(&c.ReadAttempts, 3)
	setDefault(&c.PollInterval, 2*time.Second)
	setDefault(&c.PollMaxInterval, 30*time.Second)
	setDefault(&c.QueueLimit, 2*time.Hour)
	setDefault(&c.BuildLimit, 6*time.Hour)
}

// setDefault sets *v to def when *v is the zero value.
func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// ConfigError is one problem of a Config, named by its key.
type ConfigError struct {
	Key string
	Msg string
}

// Error returns "key: message".
func (e *ConfigError) Error() string {
	return e.Key + ": " + e.Msg
}

// ConfigKey returns the key and the message apart, for a caller that
// puts the key under its section.
func (e *ConfigError) ConfigKey() (key, msg string) {
	return e.Key, e.Msg
}

// Brief says which setting is wrong, for a person who asked for something
// that needs it.
func (e *ConfigError) Brief() string {
	return "gordon's Jenkins settings: " + e.Error()
}

// Validate reports every problem at once, as errors.Join of *ConfigError
// values; callers walk them with errors.As or the Unwrap() []error method.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}

	if msg := checkURL(c.URL); msg != "" {
		add("url", "%s", msg)
	}
	if (c.User == "") != (c.Token == "") {
		add("token", "give user and token together, or neither for anonymous access")
	}
	c.validateNames(add)
	c.validateTimes(add)
	return errors.Join(errs...)
}

// validateNames checks the job and parameter names.
func (c Config) validateNames(add func(key, format string, args ...any)) {
	seen := map[string]bool{}
	for i, job := range c.PRJobs {
		key := fmt.Sprintf("pr_jobs[%d]", i)
		switch {
		case strings.TrimSpace(job) == "":
			add(key, "empty job name")
		case seen[job]:
			add(key, "%q is listed twice", job)
		}
		seen[job] = true
	}

	params := [][2]string{
		{"pr_param", c.PRParam}, {"sha_param", c.SHAParam}, {"node_param", c.NodeParam},
		{"requested_by_param", c.RequestedByParam},
	}
	for _, p := range params {
		if p[1] == "" || strings.ContainsAny(p[1], " =&") {
			add(p[0], "%q is not a parameter name", p[1])
		}
	}
}

// validateTimes checks the timeouts, the retries and the polling.
func (c Config) validateTimes(add func(key, format string, args ...any)) {
	between := func(key string, d, lo, hi time.Duration) {
		if d < lo || d > hi {
			add(key, "must be between %s and %s, got %s", lo, hi, d)
		}
	}

	between("timeout", c.Timeout, time.Millisecond, 5*time.Minute)
	between("poll_interval", c.PollInterval, time.Millisecond, 10*time.Minute)
	between("poll_max_interval", c.PollMaxInterval, c.PollInterval, time.Hour)
	between("queue_limit", c.QueueLimit, c.PollInterval, 7*24*time.Hour)
	between("build_limit", c.BuildLimit, c.PollInterval, 7*24*time.Hour)
	if c.ReadAttempts < 1 || c.ReadAttempts > 10 {
		add("read_attempts", "must be between 1 and 10, got %d", c.ReadAttempts)
	}
}

// checkURL returns why s is not a usable Jenkins root, or "".
func checkURL(s string) string {
	if s == "" {
		return "required"
	}

	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("not a URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("%q is not an http or https URL", s)
	case u.Host == "":
		return fmt.Sprintf("%q names no host", s)
	case u.User != nil:
		return "put credentials in user and token, not in the URL"
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Sprintf("%q has a query or fragment", s)
	}
	return ""
}

// LogValue shows the configuration in logs without its token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", c.URL),
		slog.String("user", c.User),
		slog.Bool("token_set", c.Token != ""),
		slog.Any("pr_jobs", c.PRJobs),
		slog.Duration("timeout", c.Timeout),
	)
}
