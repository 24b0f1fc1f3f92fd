package main

import (
	"context"
	"errors"
	"time"

	"github.com/gordonbot/gordon/alerts"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/command"
	"github.com/gordonbot/gordon/fleet/upgrade/jenkinsrunner"
	"github.com/gordonbot/gordon/fleet/upgrade/sshrunner"
	"github.com/gordonbot/gordon/fleet/upgrade/versions"
	"github.com/gordonbot/gordon/integrations/consul"
)

// UpgradeConfig is the [upgrade] section: how upgrades roll, and the
// settings of each runner. Without the section gordon has no upgrade
// command.
type UpgradeConfig struct {
	upgrade.Config
	Command command.Config       `toml:"command"`
	SSH     sshrunner.Config     `toml:"ssh"`
	Jenkins jenkinsrunner.Config `toml:"jenkins"`

	// RC and Master say where `upgrade rc` and `upgrade master` find
	// their versions.
	RC     versions.RCConfig     `toml:"rc"`
	Master versions.MasterConfig `toml:"master"`
}

// defaults fills the section and the chosen runner's.
func (c *UpgradeConfig) defaults() {
	c.Config.Defaults()
	c.Master.Defaults()
	switch c.Runner {
	case upgrade.RunnerSSH:
		c.SSH.Defaults()
	case upgrade.RunnerJenkins:
		c.Jenkins.Defaults()
	default:
		c.Command.Defaults()
	}
}

// validate checks the section and the chosen runner's.
func (c *UpgradeConfig) validate(p *config.Problems, haveJenkins, haveToken bool) {
	p.Merge("upgrade", c.Config.Validate())
	p.Merge("upgrade.rc", c.RC.Validate())
	p.Merge("upgrade.master", c.Master.Validate())
	if (c.RC.Enabled() || c.Master.Enabled()) && !haveToken {
		p.Add("github.token", "required by upgrade.rc and upgrade.master: they read GitHub's releases and branches")
	}
	switch c.Runner {
	case upgrade.RunnerSSH:
		p.Merge("upgrade.ssh", c.SSH.Validate())
	case upgrade.RunnerJenkins:
		p.Merge("upgrade.jenkins", c.Jenkins.Validate())
		if !haveJenkins {
			p.Add("upgrade.runner", "the jenkins runner needs [jenkins] url")
		}
	default:
		p.Merge("upgrade.command", c.Command.Validate())
	}
}

// upgradeRunner is what upgrades one node, and maybe probes it and turns
// its maintenance on when its agent cannot be reached.
type upgradeRunner interface {
	upgrade.Runner
	upgrade.Prober
	HasProbe() bool
}

// newUpgradeRunner makes the runner [upgrade] runner names.
func (a *app) newUpgradeRunner() (upgradeRunner, error) {
	cfg := a.cfg.Upgrade
	log := a.log.With(keyIntegration, "upgrade runner")

	// Each case returns its own nil on error: a nil *Runner in the
	// interface would not be a nil interface.
	switch cfg.Runner {
	case upgrade.RunnerSSH:
		r, err := sshrunner.New(cfg.SSH, log)
		if err != nil {
			return nil, err
		}
		return r, nil
	case upgrade.RunnerJenkins:
		r, err := jenkinsrunner.New(cfg.Jenkins, a.jenkins, log)
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	r, err := command.New(cfg.Command, log)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// registerUpgrade makes the Upgrader and registers the upgrade command.
// It needs Consul; Jenkins' agents are taken offline when it is there.
func (a *app) registerUpgrade() error {
	runner, err := a.newUpgradeRunner()
	if err != nil {
		return err
	}
	urls, err := fleet.ParseAgentURL(a.cfg.Consul.Maint.AgentURL)
	if err != nil {
		return err
	}

	src := fleet.ConsulSource{Client: a.consul}
	var health upgrade.Health = upgrade.CatalogHealth{Nodes: src, VersionMeta: a.cfg.Upgrade.VersionMeta}
	if runner.HasProbe() {
		health = upgrade.ProbedHealth{Health: health, Prober: runner}
	}
	maint := upgradeMaint{nodes: src, book: a.maint, agents: fleet.ConsulAgents{Agents: a.consul.Agents(), URL: urls}}
	if fb, ok := runner.(maintFallback); ok {
		maint.fallback = fb
	}

	opts := upgrade.Options{
		Config:      a.cfg.Upgrade.Config,
		Fleet:       a.inv,
		Health:      health,
		Runner:      runner,
		Store:       a.store,
		Logger:      a.log.With(keyIntegration, "upgrade"),
		Maintenance: maint,
		Silencer:    upgradeSilences{book: a.silences},
	}
	if a.jenkins != nil {
		agents := upgrade.JenkinsAgents{Client: a.jenkins}
		opts.Agents, opts.Control = agents, agents
	}
	if a.cfg.upgradeVersions() {
		src, err := versions.New(versions.Options{RC: a.cfg.Upgrade.RC, Master: a.cfg.Upgrade.Master,
			GitHub: a.githubAPI, Logger: a.log.With(keyIntegration, "versions")})
		if err != nil {
			return err
		}
		opts.Versions = src
	}

	a.upgrades, err = upgrade.New(opts)
	if err != nil {
		return err
	}
	a.reg.Register(commands.UpgradeCommand(a.upgrades, a.confirm))
	return nil
}

// upgradeRunners roll upgrades and say their progress through out, when
// upgrades are configured.
func (a *app) upgradeRunners(out commands.Replier) []runner {
	if a.upgrades == nil {
		return nil
	}
	return []runner{{name: "upgrade", run: func(ctx context.Context) error {
		return a.upgrades.Run(ctx, commands.UpgradeAnnouncer{Out: out})
	}}}
}

// upgradeMaint is maintenance for an upgrade, as maint does it: gordon's
// record first, then the node's own Consul agent, or the runner's way to
// the node when the agent cannot be reached. A node whose maintenance
// reaches neither stays in maintenance by the record alone, as for maint.
type upgradeMaint struct {
	nodes    fleet.ConsulSource
	book     *fleet.MaintBook
	agents   fleet.ConsulAgents
	fallback maintFallback // nil when the runner has none
}

// maintFallback turns a node's Consul maintenance on or off by the
// runner's own way to the node (the ssh runner's `consul maint`), for when
// the node's agent API cannot be reached.
type maintFallback interface {
	Maint(ctx context.Context, t upgrade.Target, on bool, reason string) error
}

// The ssh runner must keep offering it, or maintenance over ssh would
// quietly stop.
var _ maintFallback = (*sshrunner.Runner)(nil)

// On records maintenance and enables it on the node.
func (m upgradeMaint) On(ctx context.Context, t upgrade.Target, who, reason string) error {
	rec := fleet.MaintRecord{Node: t.Node, On: true, Who: who, Reason: reason, Since: time.Now()}
	if err := m.book.Record(ctx, []fleet.MaintRecord{rec}); err != nil {
		return err
	}
	return m.agent(ctx, t, true, reason)
}

// Off disables maintenance on the node, then in the record.
func (m upgradeMaint) Off(ctx context.Context, t upgrade.Target) error {
	if err := m.agent(ctx, t, false, ""); err != nil {
		return err
	}
	rec := fleet.MaintRecord{Node: t.Node, On: false, Who: "gordon", Since: time.Now()}
	return m.book.Record(ctx, []fleet.MaintRecord{rec})
}

// agent turns maintenance on or off at the node's agent, found through
// the catalog since its URL may name the node's metadata.
func (m upgradeMaint) agent(ctx context.Context, t upgrade.Target, on bool, reason string) error {
	n, found, err := m.nodes.Node(ctx, t.Node)
	if err != nil {
		return err
	}
	if !found {
		n = fleet.Node{Name: t.Node, Address: t.Address}
	}

	if on {
		err = m.agents.Enable(ctx, n, reason)
	} else {
		err = m.agents.Disable(ctx, n)
	}
	if !errors.Is(err, consul.ErrUnreachable) && !errors.Is(err, consul.ErrTimeout) {
		return err
	}
	if m.fallback != nil {
		return m.fallback.Maint(ctx, t, on, reason)
	}
	return nil
}

// upgradeSilences mutes a node's alerts while it is upgraded, in the
// silence book the alerts read.
type upgradeSilences struct {
	book *alerts.SilenceBook
}

// Silence mutes node for d.
func (s upgradeSilences) Silence(ctx context.Context, node, reason string, d time.Duration) (string, error) {
	now := time.Now()
	got, err := s.book.AddSilence(ctx, commands.Silence{Match: node, Nodes: []string{node}, Who: "gordon",
		Reason: reason, Start: now, Until: now.Add(d)})
	return got.ID, err
}

// Unsilence ends silence id; one already gone is no error.
func (s upgradeSilences) Unsilence(ctx context.Context, id string) error {
	_, err := s.book.EndSilence(ctx, id)
	if errors.Is(err, commands.ErrNoSilence) {
		return nil
	}
	return err
}
