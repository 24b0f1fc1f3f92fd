package commands

import (
	"time"

	"github.com/gordonbot/gordon/config"
)

// Config is the [commands] section: limits that apply to every command.
type Config struct {
	// Timeout bounds one command's run.
	Timeout config.Duration `toml:"timeout"`

	// RateBurst lines a person may send at once, then one per RateInterval.
	RateBurst    int             `toml:"rate_burst"`
	RateInterval config.Duration `toml:"rate_interval"`
}

// Defaults fills what was left unset.
func (c *Config) Defaults() {
	if c.Timeout.D() == 0 {
		c.Timeout = config.Duration(30 * time.Second)
	}
	if c.RateBurst == 0 {
		c.RateBurst = 5
	}
	if c.RateInterval.D() == 0 {
		c.RateInterval = config.Duration(3 * time.Second)
	}
}

// Validate reports every problem with its key.
func (c Config) Validate() error {
	var p config.Problems
	if c.Timeout.D() < time.Second || c.Timeout.D() > 10*time.Minute {
		p.Add("timeout", "must be between 1s and 10m, got %s", c.Timeout.D())
	}
	if c.RateBurst < 1 || c.RateBurst > 1000 {
		p.Add("rate_burst", "must be between 1 and 1000, got %d", c.RateBurst)
	}
	if c.RateInterval.D() < 0 || c.RateInterval.D() > time.Hour {
		p.Add("rate_interval", "must be between 0s and 1h, got %s", c.RateInterval.D())
	}
	return p.Err()
}
