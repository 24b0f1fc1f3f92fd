package command

import (
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/config"
)

// Config is the [upgrade.command] section.
type Config struct {
	// Argv is the program and its arguments, each a template; the program
	// itself is not a template.
	Argv []string `toml:"argv"`

	// Probe, when set, is a program run the same way that prints the
	// version a node runs ("Docker version 24.0.1, build ced0996").
	Probe []string `toml:"probe"`

	// Timeout bounds one run of Argv, ProbeTimeout one of Probe.
	Timeout      config.Duration `toml:"timeout"`
	ProbeTimeout config.Duration `toml:"probe_timeout"`
}

// Defaults for the time limits.
const (
	DefaultTimeout      = 30 * time.Minute
	DefaultProbeTimeout = 30 * time.Second
)

// Defaults fills what was left unset.
func (c *Config) Defaults() {
	if c.Timeout == 0 {
		c.Timeout = config.Duration(DefaultTimeout)
	}
	if c.ProbeTimeout == 0 {
		c.ProbeTimeout = config.Duration(DefaultProbeTimeout)
	}
}

// Validate reports every problem with its key: a missing program, a
// templated program name, a template that does not parse or names a
// field a node does not have, a time limit out of range.
func (c Config) Validate() error {
	var p config.Problems
	if len(c.Argv) == 0 {
		p.Add("argv", "required: the program that upgrades a node, and its arguments")
	}
	checkArgv(&p, "argv", c.Argv)
	checkArgv(&p, "probe", c.Probe)

	if c.Timeout.D() < time.Second || c.Timeout.D() > 24*time.Hour {
		p.Add("timeout", "must be between 1s and 24h, got %s", c.Timeout)
	}
	if c.ProbeTimeout.D() < 100*time.Millisecond || c.ProbeTimeout.D() > time.Hour {
		p.Add("probe_timeout", "must be between 100ms and 1h, got %s", c.ProbeTimeout)
	}
	return p.Err()
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
		if _, err := parseArg(arg); err != nil {
			p.Add(fmt.Sprintf("%s[%d]", key, i+1), "%v", err)
		}
	}
}
