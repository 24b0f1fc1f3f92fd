package main

import (
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/store"
)

// Config is gordon's whole configuration file. Each section belongs to the
// package that uses it; this type only puts them together.
type Config struct {
	// Timezone names the zone cron specs run in; UTC when empty.
	Timezone string `toml:"timezone"`

	IRC         bot.Config            `toml:"irc"`
	Maintainers []commands.Maintainer `toml:"maintainers"`
	Commands    commands.Config       `toml:"commands"`
	Store       store.Config          `toml:"store"`
	Consul      ConsulConfig          `toml:"consul"`  // off while address is empty
	Jenkins     jenkins.Config        `toml:"jenkins"` // off while url is empty
	HTTP        HTTPConfig            `toml:"http"`
	Log         LogConfig             `toml:"log"`
}

// ConsulConfig is the [consul] section: the client's settings, and the
// node metadata keys selectors name.
type ConsulConfig struct {
	consul.Config
	Meta fleet.MetaKeys `toml:"meta"`
}

// HTTPConfig is the [http] section: health endpoints and metrics.
type HTTPConfig struct {
	Listen string `toml:"listen"`
}

// LogConfig is the [log] section.
type LogConfig struct {
	Level  string `toml:"level"`  // debug, info, warn, error
	Format string `toml:"format"` // text or json
}

// loadConfig reads, fills in and validates the file at path. It returns
// the warnings (literal secrets, say) and, as one error, every problem.
func loadConfig(path string) (*Config, []string, error) {
	var c Config
	warnings, err := config.Load(path, &c)
	if err != nil {
		return nil, warnings, err
	}

	c.defaults()
	if err := c.validate(); err != nil {
		return nil, warnings, err
	}
	return &c, warnings, nil
}

func (c *Config) defaults() {
	c.IRC.Defaults()
	c.Commands.Defaults()
	c.Store.Defaults()
	if c.Jenkins.URL != "" {
		c.Jenkins.Defaults()
	}
	if c.Consul.Address != "" {
		c.Consul.Config.Defaults()
		c.Consul.Meta.Defaults()
	}
	if c.HTTP.Listen == "" {
		c.HTTP.Listen = "127.0.0.1:9090"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
}

func (c *Config) validate() error {
	var p config.Problems
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		p.Add("timezone", "unknown zone %q", c.Timezone)
	}
	p.Merge("irc", c.IRC.Validate())
	if len(c.Maintainers) == 0 {
		p.Add("maintainers", "name at least one maintainer")
	}
	for i, m := range c.Maintainers {
		p.Merge(fmt.Sprintf("maintainers[%d]", i), m.Validate())
	}
	p.Merge("commands", c.Commands.Validate())
	p.Merge("store", c.Store.Validate())
	if c.Jenkins.URL != "" {
		p.Merge("jenkins", c.Jenkins.Validate())
	}
	if c.Consul.Address != "" {
		p.Merge("consul", c.Consul.Config.Validate())
		p.Merge("consul.meta", c.Consul.Meta.Validate())
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
		p.Add("http.listen", "%q is not host:port", c.HTTP.Listen)
	}
	if _, err := parseLevel(c.Log.Level); err != nil {
		p.Add("log.level", "%v", err)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		p.Add("log.format", "must be text or json, got %q", c.Log.Format)
	}
	return p.Err()
}

// mainChannel is the first configured channel: where actions asked for in
// private are announced.
func (c *Config) mainChannel() string {
	return c.IRC.Channels[0]
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return l, fmt.Errorf("unknown level %q", s)
	}
	return l, nil
}
