package upgrade

import (
	"time"

	"github.com/gordonbot/gordon/config"
)

// The runners: a local program for each node, a command over SSH on the
// node, or a Jenkins job.
const (
	RunnerCommand = "command"
	RunnerSSH     = "ssh"
	RunnerJenkins = "jenkins"
)

// Config is the [upgrade] section: how an upgrade rolls. The runner's own
// settings have a section of their own, such as [upgrade.command].
type Config struct {
	// Runner names what upgrades one node: RunnerCommand, RunnerSSH or
	// RunnerJenkins.
	Runner string `toml:"runner"`

	// Batch is how many nodes are upgraded side by side.
	Batch int `toml:"batch"`

	// Canary is how many nodes go first, in a batch of their own; MaxFail
	// is how many nodes may fail before the upgrade halts. Both may be 0,
	// so an absent key (nil) is told apart from a 0.
	Canary  *int `toml:"canary"`
	MaxFail *int `toml:"max_fail"`

	// Settle is how long a node must report the target version with every
	// check passing before it goes back into service. It may be 0s, so an
	// absent key (nil) is told apart.
	Settle *config.Duration `toml:"settle"`

	// HealthTimeout bounds that wait, runner done to settled.
	HealthTimeout config.Duration `toml:"health_timeout"`

	// BuildWait bounds the wait for the build running on a node's Jenkins
	// agent once the agent is offline.
	BuildWait config.Duration `toml:"build_wait"`

	// Poll is how often health and running builds are read while waiting.
	Poll config.Duration `toml:"poll"`

	// VersionMeta is the node-meta key whose value says the version a node
	// runs ("Docker version 24.0.1, build ced0996"). The planner reads it
	// to leave out nodes already at the target.
	VersionMeta string `toml:"version_meta"`
}

// Defaults used for what the configuration leaves unset.
const (
	DefaultBatch         = 2
	DefaultCanary        = 1
	DefaultMaxFail       = 1
	DefaultSettle        = 30 * time.Second
	DefaultHealthTimeout = 15 * time.Minute
	DefaultBuildWait     = 30 * time.Minute
	DefaultPoll          = 5 * time.Second
	DefaultVersionMeta   = "docker_version"
)

// Limits on what a person or the configuration may ask for.
const (
	maxBatch   = 1000
	maxCanary  = 100
	maxMaxFail = 100000
)

// Defaults fills what was left unset.
func (c *Config) Defaults() {
	if c.Runner == "" {
		c.Runner = RunnerCommand
	}
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	if c.Canary == nil {
		c.Canary = intPtr(DefaultCanary)
	}
	if c.MaxFail == nil {
		c.MaxFail = intPtr(DefaultMaxFail)
	}
	if c.Settle == nil {
		c.Settle = durationPtr(DefaultSettle)
	}
	if c.HealthTimeout == 0 {
		c.HealthTimeout = config.Duration(DefaultHealthTimeout)
	}
	if c.BuildWait == 0 {
		c.BuildWait = config.Duration(DefaultBuildWait)
	}
	if c.Poll == 0 {
		c.Poll = config.Duration(DefaultPoll)
	}
	if c.VersionMeta == "" {
		c.VersionMeta = DefaultVersionMeta
	}
}

// Validate reports every problem with its key. It expects Defaults to
// have run.
func (c Config) Validate() error {
	var p config.Problems
	switch c.Runner {
	case RunnerCommand, RunnerSSH, RunnerJenkins:
	default:
		p.Add("runner", "unknown runner %q (command, ssh or jenkins)", c.Runner)
	}

	if c.Batch < 1 || c.Batch > maxBatch {
		p.Add("batch", "must be between 1 and %d, got %d", maxBatch, c.Batch)
	}
	if c.Canary == nil || *c.Canary < 0 || *c.Canary > maxCanary {
		p.Add("canary", "must be between 0 and %d", maxCanary)
	}
	if c.MaxFail == nil || *c.MaxFail < 0 || *c.MaxFail > maxMaxFail {
		p.Add("max_fail", "must be between 0 and %d", maxMaxFail)
	}
	c.validateDurations(&p)

	if c.VersionMeta == "" {
		p.Add("version_meta", "required: the node-meta key that holds a node's version")
	}
	return p.Err()
}

// validateDurations checks the waits. Poll may be as short as a
// millisecond, which only tests want.
func (c Config) validateDurations(p *config.Problems) {
	if c.settle() < 0 || c.settle() > time.Hour {
		p.Add("settle", "must be between 0s and 1h, got %s", c.settle())
	}
	if c.HealthTimeout.D() <= c.settle() || c.HealthTimeout.D() > 24*time.Hour {
		p.Add("health_timeout", "must be longer than settle and at most 24h, got %s", c.HealthTimeout)
	}
	if c.BuildWait.D() < 0 || c.BuildWait.D() > 24*time.Hour {
		p.Add("build_wait", "must be between 0s and 24h, got %s", c.BuildWait)
	}
	if c.Poll.D() < time.Millisecond || c.Poll.D() > 10*time.Minute {
		p.Add("poll", "must be between 1ms and 10m, got %s", c.Poll)
	}
}

// settle returns the settle time, 0 when it is unset.
func (c Config) settle() time.Duration {
	if c.Settle == nil {
		return 0
	}
	return c.Settle.D()
}

// durationPtr returns a pointer to d as a config.Duration.
func durationPtr(d time.Duration) *config.Duration {
	cd := config.Duration(d)
	return &cd
}

// intPtr returns a pointer to a copy of n.
func intPtr(n int) *int {
	return &n
}
