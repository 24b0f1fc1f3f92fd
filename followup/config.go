package followup

import (
	"time"

	"github.com/gordonbot/gordon/config"
)

// maxScanDepth bounds how many of a job's newest builds one read asks
// for; builds older than that are read one by one.
const maxScanDepth = 1000

// Config is the [followup] section of gordon's configuration.
type Config struct {
	// PollInterval is the wait between two rounds over the open
	// follow-ups. While Jenkins fails, the wait doubles up to
	// PollMaxInterval.
	PollInterval    config.Duration `toml:"poll_interval"`
	PollMaxInterval config.Duration `toml:"poll_max_interval"`

	// MaxRequestsPerSecond paces the follow-ups' reads of Jenkins.
	MaxRequestsPerSecond int `toml:"max_requests_per_second"`

	// ScanDepth is how many of a job's newest builds a round reads, at
	// least, when it looks for several builds of that job.
	ScanDepth int `toml:"scan_depth"`

	// LostAfter is how long a follow-up may go without a successful read
	// of Jenkins before it is closed with a "lost track" line.
	LostAfter config.Duration `toml:"lost_after"`

	// QueueLimit is how long a build is followed while it waits in the
	// queue, and BuildLimit how long while it runs.
	QueueLimit config.Duration `toml:"queue_limit"`
	BuildLimit config.Duration `toml:"build_limit"`
}

// Defaults fills what was left unset.
func (c *Config) Defaults() {
	setDuration(&c.PollInterval, 5*time.Second)
	setDuration(&c.PollMaxInterval, time.Minute)
	setDuration(&c.LostAfter, 30*time.Minute)
	setDuration(&c.QueueLimit, 12*time.Hour)
	setDuration(&c.BuildLimit, 24*time.Hour)
	if c.MaxRequestsPerSecond == 0 {
		c.MaxRequestsPerSecond = 5
	}
	if c.ScanDepth == 0 {
		c.ScanDepth = 20
	}
}

// setDuration sets *d to def when it is zero.
func setDuration(d *config.Duration, def time.Duration) {
	if *d == 0 {
		*d = config.Duration(def)
	}
}

// Validate reports every problem at once, each with its key.
func (c Config) Validate() error {
	var p config.Problems
	between := func(key string, d config.Duration, lo, hi time.Duration) {
		if d.D() < lo || d.D() > hi {
			p.Add(key, "must be between %s and %s, got %s", lo, hi, d)
		}
	}

	between("poll_interval", c.PollInterval, 10*time.Millisecond, 10*time.Minute)
	between("poll_max_interval", c.PollMaxInterval, c.PollInterval.D(), time.Hour)
	between("lost_after", c.LostAfter, c.PollInterval.D(), 7*24*time.Hour)
	between("queue_limit", c.QueueLimit, c.PollInterval.D(), 30*24*time.Hour)
	between("build_limit", c.BuildLimit, c.PollInterval.D(), 30*24*time.Hour)
	if c.MaxRequestsPerSecond < 1 || c.MaxRequestsPerSecond > 1000 {
		p.Add("max_requests_per_second", "must be between 1 and 1000, got %d", c.MaxRequestsPerSecond)
	}
	if c.ScanDepth < 1 || c.ScanDepth > maxScanDepth {
		p.Add("scan_depth", "must be between 1 and %d, got %d", maxScanDepth, c.ScanDepth)
	}
	return p.Err()
}
