package consul

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// DefaultAddress is where a Consul agent answers HTTP when nothing else is
// configured: the local agent.
const DefaultAddress = "127.0.0.1:8500"

// DefaultTimeout bounds one request to Consul when Config.Timeout is unset.
const DefaultTimeout = 5 * time.Second

// Config is the [consul] section of gordon's configuration, less the
// [consul.meta] table, which the fleet package owns.
type Config struct {
	// Address is the agent's HTTP API as host:port, or as
	// https://host:port to speak TLS.
	Address string `toml:"address"`

	// Token is the ACL token sent with every request. Write it as
	// ${NAME} or give token_file; when it is empty, Consul's own
	// CONSUL_HTTP_TOKEN and CONSUL_HTTP_TOKEN_FILE variables are used, as
	// the consul command does.
	Token string `toml:"token"`

	// Datacenter is asked for instead of the agent's own.
	Datacenter string `toml:"datacenter"`

	// CAFile is a PEM bundle of the CAs that sign the agent's HTTPS
	// certificate; empty means the system's. Only with https://.
	CAFile string `toml:"ca_file"`

	// TLSServerName is the name checked in the agent's certificate when it
	// differs from the host in Address, as when Address is an IP.
	TLSServerName string `toml:"tls_server_name"`

	// Timeout bounds each request, "5s" by default.
	Timeout time.Duration `toml:"timeout"`
}

// FieldError is one problem with a Config, named by its key in the
// [consul] section ("address", "timeout").
type FieldError struct {
	Key    string
	Reason string
}

// Error returns the key and the reason, "address: missing port".
func (e *FieldError) Error() string {
	return e.Key + ": " + e.Reason
}

// ConfigKey returns the key and the reason apart, for a caller that puts
// the key under its section.
func (e *FieldError) ConfigKey() (key, msg string) {
	return e.Key, e.Reason
}

// Defaults fills what was left unset.
func (c *Config) Defaults() {
	if c.Address == "" {
		c.Address = DefaultAddress
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
}

// Validate returns every problem with c, each a *FieldError, joined with
// errors.Join; nil when there is none. Problems lists the same problems
// one by one, for a caller that reports them under its own key prefix.
func (c Config) Validate() error {
	problems := c.Problems()
	errs := make([]error, len(problems))
	for i := range problems {
		errs[i] = &problems[i]
	}
	return errors.Join(errs...)
}

// Problems returns every problem with c, in the order of the fields.
func (c Config) Problems() []FieldError {
	var p []FieldError
	add := func(key, format string, args ...any) {
		p = append(p, FieldError{Key: key, Reason: fmt.Sprintf(format, args...)})
	}

	scheme, hostPort := splitScheme(c.Address)
	if reason := checkAddress(scheme, hostPort); reason != "" {
		add("address", "%s", reason)
	}
	if strings.ContainsAny(c.Token, " \t\r\n") {
		add("token", "must not hold spaces or line breaks")
	}
	if c.Datacenter != "" && !isName(c.Datacenter) {
		add("datacenter", "%q is not a datacenter name (letters, digits, '-' and '_')", c.Datacenter)
	}
	if scheme != "https" && (c.CAFile != "" || c.TLSServerName != "") {
		add("ca_file", "TLS settings need an https:// address")
	}
	if c.Timeout < 100*time.Millisecond || c.Timeout > 5*time.Minute {
		add("timeout", "must be between 100ms and 5m, got %s", c.Timeout)
	}
	return p
}

// splitScheme separates "https://host:port" into its scheme and the rest;
// an address without a scheme is http.
func splitScheme(address string) (scheme, hostPort string) {
	scheme, rest, found := strings.Cut(address, "://")
	if !found {
		return "http", address
	}
	return scheme, rest
}

// checkAddress returns what is wrong with an address, or "".
func checkAddress(scheme, hostPort string) string {
	if scheme != "http" && scheme != "https" {
		return fmt.Sprintf("scheme %q is not http or https", scheme)
	}

	host, port, err := net.SplitHostPort(hostPort)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not host:port", hostPort)
	case host == "":
		return "missing host"
	case port == "":
		return "missing port"
	}
	return ""
}

// isName reports whether s is made of letters, digits, '-' and '_'.
func isName(s string) bool {
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return s != ""
}
