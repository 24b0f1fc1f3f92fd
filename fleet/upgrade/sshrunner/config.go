package sshrunner

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gordonbot/gordon/config"
)

// Config is the [upgrade.ssh] section.
type Config struct {
	// Argv is the program to run on the node and its arguments, each a
	// template; the program itself is not a template. Each is quoted for
	// the node's shell, so a value can never become a second command.
	Argv []string `toml:"argv"`

	// Probe, when set, is a program run the same way that prints the
	// version a node runs ("Docker version 24.0.1, build ced0996").
	Probe []string `toml:"probe"`

	// User is the account to log in as, a template ("root", or
	// "{{.Node}}-admin").
	User string `toml:"user"`

	// Host is where to connect, a template; it may end in ":port", which
	// then wins over Port. "{{.Address}}" when unset.
	Host string `toml:"host"`
	Port int    `toml:"port"`

	// KnownHosts is an OpenSSH known_hosts file holding every node's host
	// key. It is read again at each connection, so that a node added to
	// it needs no restart of gordon.
	KnownHosts string `toml:"known_hosts"`

	// InsecureIgnoreHostKey accepts any host key: anyone between gordon
	// and a node can then pose as the node and see what gordon runs. It
	// is for a lab only, and gordon warns at every start.
	InsecureIgnoreHostKey bool `toml:"insecure_ignore_host_key"`

	// KeyFile is a private key in OpenSSH or PEM format; KeyPassword is
	// its passphrase, when it has one (best given as ${NAME} or with
	// key_password_file).
	KeyFile     string `toml:"key_file"`
	KeyPassword string `toml:"key_password"`

	// Agent logs in with the keys of the SSH agent at AgentSocket, which
	// is $SSH_AUTH_SOCK when unset. With KeyFile too, the file's key is
	// offered first.
	Agent       bool   `toml:"agent"`
	AgentSocket string `toml:"agent_socket"`

	// Consul is the consul program on the nodes, run by Maint.
	Consul string `toml:"consul"`

	// ConnectTimeout bounds the connection and login; Timeout bounds one
	// run of Argv, ProbeTimeout one of Probe or of Maint.
	ConnectTimeout config.Duration `toml:"connect_timeout"`
	Timeout        config.Duration `toml:"timeout"`
	ProbeTimeout   config.Duration `toml:"probe_timeout"`
}

// Defaults for what the configuration leaves unset.
const (
	DefaultHost           = "{{.Address}}"
	DefaultPort           = 22
	DefaultConsul         = "consul"
	DefaultConnectTimeout = 15 * time.Second
	DefaultTimeout        = 30 * time.Minute
	DefaultProbeTimeout   = 30 * time.Second
)

// Defaults fills what was left unset.
func (c *Config) Defaults() {
	if c.Host == "" {
		c.Host = DefaultHost
	}
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.Consul == "" {
		c.Consul = DefaultConsul
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = config.Duration(DefaultConnectTimeout)
	}
	if c.Timeout == 0 {
		c.Timeout = config.Duration(DefaultTimeout)
	}
	if c.ProbeTimeout == 0 {
		c.ProbeTimeout = config.Duration(DefaultProbeTimeout)
	}
}

// Validate reports every problem with its key. It expects Defaults to
// have run. It reads no file: New does, and says what is wrong with them.
func (c Config) Validate() error {
	var p config.Problems
	if len(c.Argv) == 0 {
		p.Add("argv", "required: the program that upgrades a node, and its arguments")
	}
	checkArgv(&p, "argv", c.Argv)
	checkArgv(&p, "probe", c.Probe)
	c.validateLogin(&p)
	c.validateHostKeys(&p)

	if strings.TrimSpace(c.Consul) == "" || strings.Contains(c.Consul, "{{") {
		p.Add("consul", "must name the consul program on the nodes, not a template")
	}
	c.validateDurations(&p)
	return p.Err()
}

// validateLogin checks who gordon logs in as, where, and with what.
func (c Config) validateLogin(p *config.Problems) {
	if strings.TrimSpace(c.User) == "" {
		p.Add("user", "required: the account gordon logs in as on each node")
	} else if _, err := parseTemplate("user", c.User); err != nil {
		p.Add("user", "%v", err)
	}
	if _, err := parseTemplate("host", c.Host); err != nil {
		p.Add("host", "%v", err)
	}
	if c.Port < 1 || c.Port > 65535 {
		p.Add("port", "must be between 1 and 65535, got %d", c.Port)
	}

	if c.KeyFile == "" && !c.Agent {
		p.Add("key_file", "required unless agent = true: gordon needs a key to log in with")
	}
	if c.KeyPassword != "" && c.KeyFile == "" {
		p.Add("key_password", "given without key_file")
	}
	if c.AgentSocket != "" && !c.Agent {
		p.Add("agent_socket", "given without agent = true")
	}
}

// validateHostKeys checks that host keys are checked, or that the choice
// not to is explicit.
func (c Config) validateHostKeys(p *config.Problems) {
	switch {
	case c.KnownHosts == "" && !c.InsecureIgnoreHostKey:
		p.Add("known_hosts", "required: the known_hosts file that holds every node's host key")
	case c.KnownHosts != "" && c.InsecureIgnoreHostKey:
		p.Add("insecure_ignore_host_key", "given with known_hosts: check host keys, or ignore them, not both")
	}
}

// validateDurations checks the time limits.
func (c Config) validateDurations(p *config.Problems) {
	between := func(key string, d config.Duration, lo, hi time.Duration) {
		if d.D() < lo || d.D() > hi {
			p.Add(key, "must be between %s and %s, got %s", lo, hi, d)
		}
	}
	between("connect_timeout", c.ConnectTimeout, 100*time.Millisecond, 5*time.Minute)
	between("timeout", c.Timeout, time.Second, 24*time.Hour)
	between("probe_timeout", c.ProbeTimeout, 100*time.Millisecond, time.Hour)
}

// checkArgv reports the problems of one argument list under key.
func checkArgv(p *config.Problems, key string, argv []string) {
	if len(argv) == 0 {
		return
	}
	switch {
	case strings.TrimSpace(argv[0]) == "":
		p.Add(key+"[0]", "empty program name")
	case strings.Contains(argv[0], "{{"):
		p.Add(key+"[0]", "the program may not be a template: a node must not choose what runs")
	}

	for i, arg := range argv[1:] {
		if _, err := parseTemplate("argument", arg); err != nil {
			p.Add(fmt.Sprintf("%s[%d]", key, i+1), "%v", err)
		}
	}
}

// Warnings returns what check-config should say about a configuration
// that is valid but unsafe, each "key: message".
func (c Config) Warnings() []string {
	if !c.InsecureIgnoreHostKey {
		return nil
	}
	return []string{"insecure_ignore_host_key: host keys are not checked, " +
		"so anyone on the network path can pose as a node; use known_hosts"}
}

// LogValue shows the configuration in logs without the key's passphrase.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("argv", c.Argv),
		slog.String("user", c.User),
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("known_hosts", c.KnownHosts),
		slog.Bool("insecure_ignore_host_key", c.InsecureIgnoreHostKey),
		slog.String("key_file", c.KeyFile),
		slog.Bool("key_password_set", c.KeyPassword != ""),
		slog.Bool("agent", c.Agent),
		slog.Duration("timeout", c.Timeout.D()),
	)
}
