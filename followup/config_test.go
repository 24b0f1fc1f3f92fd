package followup

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
)

func TestConfigDefaultsValidate(t *testing.T) {
	var c Config
	c.Defaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if c.PollInterval.D() != 5*time.Second || c.LostAfter.D() != 30*time.Minute || c.MaxRequestsPerSecond != 5 {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestConfigValidateNamesEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		keys []string
	}{
		{name: "fine", edit: func(*Config) {}},
		{name: "poll too fast", edit: func(c *Config) { c.PollInterval = config.Duration(time.Millisecond) },
			keys: []string{"poll_interval"}},
		{name: "max below the interval", edit: func(c *Config) { c.PollMaxInterval = config.Duration(time.Second) },
			keys: []string{"poll_max_interval"}},
		{name: "several at once", edit: func(c *Config) {
			c.LostAfter = config.Duration(time.Second)
			c.MaxRequestsPerSecond = -1
			c.ScanDepth = 5000
			c.QueueLimit = config.Duration(60 * 24 * time.Hour)
		}, keys: []string{"lost_after", "queue_limit", "max_requests_per_second", "scan_depth"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			c.Defaults()
			tt.edit(&c)

			var problems config.Problems
			err := c.Validate()
			errors.As(err, &problems)
			var keys []string
			for _, p := range problems {
				keys = append(keys, p.Key)
			}
			if !slices.Equal(keys, tt.keys) {
				t.Fatalf("problems at %q, want %q (%v)", keys, tt.keys, err)
			}
		})
	}
}

func TestNewRefusesABadConfig(t *testing.T) {
	_, err := New(Options{Config: Config{ScanDepth: -1}, Jenkins: newFakeJenkins(), Store: nil})
	if err == nil {
		t.Fatal("New accepted a bad config")
	}
	if _, err := New(Options{Jenkins: newFakeJenkins()}); err == nil {
		t.Fatal("New accepted no store")
	}
}
