package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/gordonbot/gordon/alerts"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/followup"
	"github.com/gordonbot/gordon/followup/jenkinsbridge"
	"github.com/gordonbot/gordon/gating"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/schedule"
	"github.com/gordonbot/gordon/store"
)

// app is what every way of running gordon shares: its configuration,
// logger, store, metrics and command registry.
type app struct {
	cfg     *Config
	log     *slog.Logger
	store   *store.Bolt
	metrics *prometheus.Registry
	reg     *commands.Registry
	confirm *commands.Confirmer
	started time.Time

	// The integrations, each nil while it is not configured.
	consul    *consul.Client
	inv       *fleet.Inventory
	maint     *fleet.MaintBook
	silences  *alerts.SilenceBook // shared by the silence commands and the alerts
	jenkins   *jenkins.Client
	bridge    *jenkinsbridge.Bridge
	followups *followup.Engine // reports on rebuilds
	upgrades  *upgrade.Upgrader
	sched     *schedule.Scheduler

	// Pull request gating, when [github] repos are set: the API client
	// and the commit statuses of pull request builds.
	githubAPI *github.Client
	statuses  *gating.Statuses
}

// newApp loads the configuration and opens what gordon needs. The caller
// closes the app.
func newApp(path string, logOut io.Writer) (*app, error) {
	cfg, warnings, err := loadConfig(path)
	if err != nil {
		return nil, fmt.Errorf("%s:\n%w", path, err)
	}
	log := newLogger(cfg.Log, logOut)
	for _, w := range warnings {
		log.Warn("config warning", keyWarning, w)
	}

	if err := fleet.UseRedactions(cfg.Redact); err != nil {
		return nil, err
	}

	st, err := store.OpenBolt(cfg.Store.Path)
	if err != nil {
		return nil, err
	}

	a := &app{cfg: cfg, log: log, store: st, metrics: prometheus.NewRegistry(),
		reg: commands.NewRegistry(), confirm: commands.NewConfirmer(commands.ConfirmTTL), started: time.Now()}
	a.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := a.registerCommands(); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// registerCommands is the one list of every command gordon has; a part
// whose integration is not configured is left out.
func (a *app) registerCommands() error {
	info := commands.BuildInfo{Version: version, Commit: commit, Started: a.started}
	a.reg.Register(commands.Builtins(a.reg, info)...)
	a.reg.Register(a.confirm.Command())

	if err := a.connectGitHub(); err != nil {
		return err
	}
	if err := a.connectJenkins(); err != nil {
		return err
	}
	if err := a.connectConsul(); err != nil {
		return err
	}

	if a.inv != nil {
		// A nil bridge must stay a nil interface.
		var agents commands.AgentLister
		if a.bridge != nil {
			agents = a.bridge
		}
		a.reg.Register(commands.NodeCommands(a.inv, agents)...)
		if err := a.registerMaint(); err != nil {
			return err
		}
		a.registerSilences()
	}
	if a.jenkins != nil {
		a.registerJenkins()
	}
	if a.cfg.Upgrade != nil {
		if err := a.registerUpgrade(); err != nil {
			return err
		}
	}

	// Last: a schedule's command must be one registered above.
	return a.registerSchedules()
}

// registerSchedules makes the scheduler of [[schedules]] and registers
// the schedules command.
func (a *app) registerSchedules() error {
	opts := schedule.Options{
		Entries:     a.cfg.Schedules,
		Maintainers: a.cfg.Maintainers,
		Location:    a.cfg.location(),
		Logger:      a.log.With(keyIntegration, "schedule"),
	}
	if a.upgrades != nil {
		opts.Busy = schedule.UpgradeBusy{Upgrades: a.upgrades}
	}
	s, err := schedule.New(opts)
	if err != nil {
		return err
	}

	a.sched = s
	a.reg.Register(s.Command())
	var p config.Problems
	p.Merge("schedules", schedule.CheckCommands(a.cfg.Schedules, a.reg))
	return p.Err()
}

// connectConsul makes the Consul client and the inventory over it, when
// Consul is configured.
func (a *app) connectConsul() error {
	if a.cfg.Consul.Address == "" {
		return nil
	}
	cc, err := consul.New(a.cfg.Consul.Config)
	if err != nil {
		return err
	}

	a.consul = cc
	a.maint = fleet.NewMaintBook(a.store)
	a.silences = alerts.NewSilenceBook(a.store)
	a.inv = fleet.NewInventory(fleet.ConsulSource{Client: cc}, cc, a.cfg.Consul.Meta).WithMaint(a.maint)
	return nil
}

// connectJenkins makes the Jenkins client and the engine that follows
// rebuilds, when Jenkins is configured.
func (a *app) connectJenkins() error {
	if a.cfg.Jenkins.URL == "" {
		return nil
	}
	jc, err := jenkins.New(a.cfg.Jenkins, a.log.With(keyIntegration, "jenkins"))
	if err != nil {
		return err
	}
	a.jenkins = jc
	a.bridge = jenkinsbridge.New(jc, a.metrics)

	// A followed build's end sets its commit status when gating is on.
	var onClose func(context.Context, followup.Closed)
	if a.statuses != nil {
		onClose = a.statuses.FollowupClosed
	}
	a.followups, err = followup.New(followup.Options{
		Config:     a.cfg.Followup,
		Jenkins:    a.bridge,
		Store:      a.store,
		Logger:     a.log.With(keyIntegration, "followup"),
		Registerer: a.metrics,
		OnClose:    onClose,
	})
	return err
}

// connectGitHub makes the GitHub API client and the commit statuses,
// when [github] repos are gated.
func (a *app) connectGitHub() error {
	if !a.cfg.GitHub.Gating() && !a.cfg.upgradeVersions() {
		return nil
	}
	c, err := github.NewClient(a.cfg.GitHub.Config, github.APIOptions{
		Logger: a.log.With(keyIntegration, "github"), Registerer: a.metrics})
	if err != nil {
		return err
	}

	a.githubAPI = c
	if !a.cfg.GitHub.Gating() {
		return nil
	}
	a.statuses, err = gating.NewStatuses(gating.StatusOptions{API: c, Store: a.store,
		Repos: a.cfg.GitHub.Repos, Logger: a.log.With(keyIntegration, "gating"), Registerer: a.metrics})
	return err
}

// replier is where answers and reports go: IRC, and for a command asked
// for in a pull request comment, a comment there.
func (a *app) replier(irc commands.Replier) commands.Replier {
	if a.statuses == nil {
		return irc
	}
	return gating.NewReplier(a.githubAPI, irc, a.log.With(keyIntegration, "gating"))
}

// registerMaint registers maint, which needs Consul and uses Jenkins when
// it is there.
func (a *app) registerMaint() error {
	urls, err := fleet.ParseAgentURL(a.cfg.Consul.Maint.AgentURL)
	if err != nil {
		return err
	}
	opts := commands.MaintOptions{
		Nodes:   a.inv,
		Records: a.maint,
		Confirm: a.confirm,
		Agents:  fleet.ConsulAgents{Agents: a.consul.Agents(), URL: urls},
		Logger:  a.log.With(keyIntegration, "maint"),
	}
	// A nil *jenkins.Client in the interface would not be a nil interface.
	if a.jenkins != nil {
		opts.Jenkins = a.jenkins
	}
	a.reg.Register(commands.MaintCommand(opts))
	return nil
}

// registerSilences registers silence, silences and unsilence, which need
// Consul to find the nodes and keep their silences where the alerts read
// them.
func (a *app) registerSilences() {
	a.reg.Register(commands.SilenceCommands(commands.SilenceOptions{
		Nodes:    a.inv,
		Silences: a.silences,
		Confirm:  a.confirm,
		Location: a.cfg.location(),
		Logger:   a.log.With(keyIntegration, "silence"),
	})...)
}

// registerJenkins registers the commands that act on Jenkins.
func (a *app) registerJenkins() {
	// Without Consul, rebuild resolves only node names, against Jenkins.
	var nodes commands.NodeFinder
	if a.inv != nil {
		nodes = a.inv
	}

	// A rebuild of a gated pull request sets its statuses too.
	var follow commands.Followups = a.followups
	if a.statuses != nil {
		follow = a.statuses.Followups(a.followups)
	}
	a.reg.Register(commands.BuildCommands(a.jenkins, a.cfg.Jenkins.PRParam)...)
	a.reg.Register(commands.RebuildCommand(a.bridge, follow, commands.RebuildOptions{
		PRJobs:    a.cfg.Jenkins.PRJobs,
		PRParam:   a.cfg.Jenkins.PRParam,
		NodeParam: a.cfg.Jenkins.NodeParam,
		Nodes:     nodes,
	}))
}

// alertRunners watch Consul's health checks and announce their changes
// through out, when Consul is configured; silences and gordon's
// maintenance records keep checks quiet, and what was announced is kept
// in the store across restarts. Consul failing, and Jenkins when it is
// configured, are announced too, and so are GitHub's when gordon uses its
// API (asking for the quota, which costs none).
func (a *app) alertRunners(out commands.Replier) ([]runner, error) {
	if a.consul == nil {
		return nil, nil
	}
	eng, err := alerts.New(alerts.Options{
		Config:     a.cfg.Alerts,
		Meta:       a.cfg.Consul.Meta,
		Facts:      alerts.ListedFacts(fleet.ConsulSource{Client: a.consul}),
		Out:        out,
		Logger:     a.log.With(keyIntegration, "alerts"),
		Registerer: a.metrics,
		Silences:   a.silences,
		Maint:      a.maint,
		State:      a.store,
		Location:   a.cfg.location(),
	})
	if err != nil {
		return nil, err
	}

	watch := a.consul.WatchHealth(consul.WatchOptions{
		Logger:    a.log.With(keyIntegration, "consul"),
		OnFailure: func(_ int, err error) { eng.Unreachable(alerts.DependencyConsul, err) },
		OnRecover: func(int) { eng.Reachable(alerts.DependencyConsul) },
	})
	runners := []runner{
		{name: "alerts", run: eng.Run},
		{name: "health watch", run: func(ctx context.Context) error { return watch.Run(ctx, eng.Observe) }},
	}
	if every := a.cfg.Alerts.ProbeInterval.D(); a.jenkins != nil && every > 0 {
		probe := func(ctx context.Context) error {
			_, err := a.jenkins.Version(ctx)
			return err
		}
		runners = append(runners, runner{name: "jenkins probe", run: func(ctx context.Context) error {
			return eng.Probe(ctx, alerts.DependencyJenkins, every, probe)
		}})
	}
	if every := a.cfg.Alerts.ProbeInterval.D(); a.githubAPI != nil && every > 0 {
		runners = append(runners, runner{name: "github probe", run: func(ctx context.Context) error {
			return eng.Probe(ctx, alerts.DependencyGitHub, every, a.githubAPI.Ping)
		}})
	}
	return runners, nil
}

// followupRunner reports on rebuilds through out, when Jenkins is
// configured.
func (a *app) followupRunner(out commands.Replier) []runner {
	if a.followups == nil {
		return nil
	}
	return []runner{{name: "followups", run: func(ctx context.Context) error { return a.followups.Run(ctx, out) }}}
}

// dispatcher returns a dispatcher answering through out.
func (a *app) dispatcher(out commands.Replier, nick string) *commands.Dispatcher {
	return commands.NewDispatcher(commands.Options{
		Registry:    a.reg,
		Roles:       commands.NewRoles(a.cfg.Maintainers),
		Out:         out,
		Audit:       commands.NewAudit(a.store),
		Metrics:     commands.NewMetrics(a.metrics),
		Logger:      a.log,
		Config:      a.cfg.Commands,
		Nick:        nick,
		Prefix:      a.cfg.IRC.Prefix,
		MainChannel: a.cfg.mainChannel(),
	})
}

func (a *app) Close() error {
	return a.store.Close()
}

func newLogger(c LogConfig, out io.Writer) *slog.Logger {
	level, _ := parseLevel(c.Level)
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(out, opts))
	}
	return slog.New(slog.NewTextHandler(out, opts))
}
