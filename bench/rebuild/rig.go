package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/followup"
	"github.com/gordonbot/gordon/followup/jenkinsbridge"
	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/store"
)

// keyIntegration is the log key that names the part a logger serves, as
// cmd/gordon names it.
const keyIntegration = "integration"

// Where and by whom rebuilds are asked for.
const channel = "#fleet"

// alice is the maintainer who asks; she is recognised by her hostmask,
// as on a server that tracks no accounts.
var (
	alice      = commands.Identity{Nick: "alice", User: "alice", Host: "ci.example.org", Via: "none"}
	maintainer = commands.Maintainer{Name: "alice", Hostmasks: []string{"*!alice@ci.example.org"}}
)

// rig is gordon's Jenkins side, wired as registerJenkins and dispatcher
// in cmd/gordon/app.go wire it, against the simulator at a URL. Logs are
// formatted at gordon's default level, info, and thrown away.
type rig struct {
	jenkins   *jenkins.Client
	bridge    *jenkinsbridge.Bridge
	followups *followup.Engine
	metrics   *prometheus.Registry
	log       *slog.Logger
}

// newRig wires the client, the bridge and the follow-up engine, which
// keeps its records in st and polls every poll (zero: the default).
func newRig(url string, st followup.Store, poll time.Duration) (*rig, error) {
	r := &rig{metrics: prometheus.NewRegistry(), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cfg := jenkins.Config{URL: url, User: simUser, Token: simToken, PRJobs: []string{jobName(0)}}

	var err error
	r.jenkins, err = jenkins.New(cfg, r.log.With(keyIntegration, "jenkins"))
	if err != nil {
		return nil, err
	}
	r.bridge = jenkinsbridge.New(r.jenkins, r.metrics)

	r.followups, err = followup.New(followup.Options{
		Config:     followup.Config{PollInterval: config.Duration(poll)},
		Jenkins:    r.bridge,
		Store:      st,
		Logger:     r.log.With(keyIntegration, "followup"),
		Registerer: r.metrics,
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// dispatcher returns the command side with gordon's commands that need
// Jenkins, its audit trail kept through audit, answering through out.
//
// The one departure from gordon's defaults is the rate limit: a burst of
// 1000 lines and a token a millisecond, so that one maintainer can ask
// for thousands of rebuilds in a row. Every line still goes through the
// limiter.
func (r *rig) dispatcher(audit commands.Putter, out commands.Replier) *commands.Dispatcher {
	cfg := r.jenkins.Config()
	reg := commands.NewRegistry()
	reg.Register(commands.Builtins(reg, commands.BuildInfo{Version: "bench", Started: time.Now()})...)
	reg.Register(commands.BuildCommands(r.jenkins, cfg.PRParam)...)
	reg.Register(commands.RebuildCommand(r.bridge, r.followups, commands.RebuildOptions{
		PRJobs:    cfg.PRJobs,
		PRParam:   cfg.PRParam,
		NodeParam: cfg.NodeParam,
	}))

	limits := commands.Config{RateBurst: 1000, RateInterval: config.Duration(time.Millisecond)}
	limits.Defaults()
	return commands.NewDispatcher(commands.Options{
		Registry:    reg,
		Roles:       commands.NewRoles([]commands.Maintainer{maintainer}),
		Out:         out,
		Audit:       commands.NewAudit(audit),
		Metrics:     commands.NewMetrics(r.metrics),
		Logger:      r.log,
		Config:      limits,
		Nick:        "gordon",
		Prefix:      "!",
		MainChannel: channel,
	})
}

// openStore opens a store of kind "memory" or "bolt"; a bbolt file goes
// in a new directory under dir. The returned func closes the store and
// removes the directory.
func openStore(kind, dir string) (store.Store, func(), error) {
	if kind == "memory" {
		m := store.NewMemory()
		return m, func() { _ = m.Close() }, nil
	}

	tmp, err := os.MkdirTemp(dir, "gordon-rebuild-*")
	if err != nil {
		return nil, nil, err
	}
	b, err := store.OpenBolt(filepath.Join(tmp, "gordon.db"))
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, nil, fmt.Errorf("open bbolt under %s: %w", dir, err)
	}
	return b, func() { _ = b.Close(); _ = os.RemoveAll(tmp) }, nil
}
