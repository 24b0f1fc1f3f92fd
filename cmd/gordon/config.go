package main

import (
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/gordonbot/gordon/alerts"
	"github.com/gordonbot/gordon/announce"
	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/followup"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/schedule"
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
	Alerts      alerts.Config         `toml:"alerts"`  // needs consul
	Upgrade     *UpgradeConfig        `toml:"upgrade"` // off without the section; needs consul
	Schedules   []schedule.Entry      `toml:"schedules"`
	Jenkins     jenkins.Config        `toml:"jenkins"` // off while url is empty
	Followup    followup.Config       `toml:"followup"`
	GitHub      GitHubConfig          `toml:"github"` // off without webhook secrets
	Redact      fleet.RedactConfig    `toml:"redact"`
	HTTP        HTTPConfig            `toml:"http"`
	Log         LogConfig             `toml:"log"`
}

// ConsulConfig is the [consul] section: the client's settings, and the
// node metadata keys selectors name.
type ConsulConfig struct {
	consul.Config
	Meta  fleet.MetaKeys    `toml:"meta"`
	Maint fleet.MaintConfig `toml:"maint"`
}

// GitHubConfig is the [github] section: the webhook receiver's settings
// and the routes that announce its events.
type GitHubConfig struct {
	github.Config
	Routes []announce.Route `toml:"routes"`
}

// announce returns the announcement routes as their package's config.
func (g GitHubConfig) announce() announce.Config {
	return announce.Config{Routes: g.Routes}
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
	if c.Upgrade != nil && c.Upgrade.Runner == upgrade.RunnerSSH {
		for _, w := range c.Upgrade.SSH.Warnings() {
			warnings = append(warnings, "upgrade.ssh."+w)
		}
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
	c.Followup.Defaults()
	if c.Consul.Address != "" {
		c.Consul.Config.Defaults()
		c.Consul.Meta.Defaults()
		c.Consul.Maint.Defaults()
		c.Alerts.Defaults()
		if c.Alerts.Channel == "" && len(c.IRC.Channels) > 0 {
			c.Alerts.Channel = c.IRC.Channels[0]
		}
		c.IRC.Channels = joinAll(c.IRC.Channels, c.Alerts.Channels())
	}
	c.GitHub.Config.Defaults()
	ann := c.GitHub.announce()
	ann.Defaults()
	c.IRC.Channels = joinAll(c.IRC.Channels, ann.Channels())
	if c.HTTP.Listen == "" {
		c.HTTP.Listen = "127.0.0.1:9090"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if c.Upgrade != nil {
		c.Upgrade.defaults()
	}
	c.IRC.Channels = joinAll(c.IRC.Channels, schedule.Channels(c.Schedules))
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
	p.Merge("redact", c.Redact.Validate())
	if c.Jenkins.URL != "" {
		p.Merge("jenkins", c.Jenkins.Validate())
	}
	p.Merge("followup", c.Followup.Validate())
	p.Merge("github", c.GitHub.Config.Validate())
	p.Merge("github", c.GitHub.announce().Validate())
	if c.GitHub.Gating() && (c.Jenkins.URL == "" || len(c.Jenkins.PRJobs) == 0) {
		p.Add("github.repos", "gating queues the PR jobs: set [jenkins] url and pr_jobs")
	}
	if len(c.GitHub.Routes) > 0 && !c.GitHub.Enabled() {
		p.Add("github.webhook_secrets", "required by github.routes: gordon serves no unsigned webhooks")
	}
	if c.Consul.Address != "" {
		p.Merge("consul", c.Consul.Config.Validate())
		p.Merge("consul.meta", c.Consul.Meta.Validate())
		p.Merge("consul.maint", c.Consul.Maint.Validate())
		p.Merge("alerts", c.Alerts.Validate())
		p.Merge("alerts", c.Alerts.CheckMeta(c.Consul.Meta))
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
	if c.Upgrade != nil {
		c.Upgrade.validate(&p, c.Jenkins.URL != "", c.GitHub.Token != "")
		if c.Consul.Address == "" {
			p.Add("upgrade", "upgrades need [consul]: set consul.address")
		}
	}
	p.Merge("schedules", schedule.Validate(c.Schedules, c.Maintainers))
	return p.Err()
}

// joinAll adds to channels those of more it lacks, keeping the order:
// gordon joins every channel a route names, and the first stays the main
// channel.
func joinAll(channels, more []string) []string {
	for _, ch := range more {
		if !slices.ContainsFunc(channels, func(c string) bool { return strings.EqualFold(c, ch) }) {
			channels = append(channels, ch)
		}
	}
	return channels
}

// location is the zone named by timezone, which validate checked; UTC
// when it is empty.
func (c *Config) location() *time.Location {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
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

// upgradeVersions reports whether upgrades resolve rc or master, which
// needs GitHub's API.
func (c *Config) upgradeVersions() bool {
	return c.Upgrade != nil && (c.Upgrade.RC.Enabled() || c.Upgrade.Master.Enabled())
}
