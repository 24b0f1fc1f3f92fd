package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/followup"
	"github.com/gordonbot/gordon/followup/jenkinsbridge"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/integrations/jenkins"
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

	// followups reports on rebuilds; nil without Jenkins.
	followups *followup.Engine
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

	// nodes stays a nil interface without Consul, so that rebuild knows
	// it cannot resolve metadata selectors.
	var nodes commands.NodeFinder
	if a.cfg.Consul.Address != "" {
		cc, err := consul.New(a.cfg.Consul.Config)
		if err != nil {
			return err
		}
		inv := fleet.NewInventory(fleet.ConsulSource{Client: cc}, cc, a.cfg.Consul.Meta)
		a.reg.Register(commands.NodeCommands(inv)...)
		nodes = inv
	}
	if a.cfg.Jenkins.URL != "" {
		if err := a.registerJenkins(nodes); err != nil {
			return err
		}
	}
	return nil
}

// registerJenkins registers the commands that act on Jenkins, and makes
// the engine that follows rebuilds.
func (a *app) registerJenkins(nodes commands.NodeFinder) error {
	jc, err := jenkins.New(a.cfg.Jenkins, a.log.With(keyIntegration, "jenkins"))
	if err != nil {
		return err
	}
	bridge := jenkinsbridge.New(jc, a.metrics)

	a.followups, err = followup.New(followup.Options{
		Config:     a.cfg.Followup,
		Jenkins:    bridge,
		Store:      a.store,
		Logger:     a.log.With(keyIntegration, "followup"),
		Registerer: a.metrics,
	})
	if err != nil {
		return err
	}

	a.reg.Register(commands.BuildCommands(jc, a.cfg.Jenkins.PRParam)...)
	a.reg.Register(commands.RebuildCommand(bridge, a.followups, commands.RebuildOptions{
		PRJobs:    a.cfg.Jenkins.PRJobs,
		PRParam:   a.cfg.Jenkins.PRParam,
		NodeParam: a.cfg.Jenkins.NodeParam,
		Nodes:     nodes,
	}))
	return nil
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
