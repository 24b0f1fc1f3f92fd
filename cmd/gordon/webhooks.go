package main

import (
	"context"
	"errors"
	"net/http"

	"github.com/gordonbot/gordon/announce"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/gating"
	"github.com/gordonbot/gordon/integrations/github"
)

// webhooks builds the GitHub receiver, its announcer and, when [github]
// repos are gated, the gate; mounts the receiver on mux or on a listener
// of its own; and returns the parts to run. Without a webhook secret it
// returns nothing: gordon serves no unsigned webhooks.
func (a *app) webhooks(out commands.Replier, d *commands.Dispatcher, mux *http.ServeMux) ([]runner, error) {
	cfg := a.cfg.GitHub
	if !cfg.Enabled() {
		return nil, nil
	}

	ann := cfg.announce()
	announcer, err := announce.New(ann, out, a.log, a.metrics)
	if err != nil {
		return nil, err
	}
	opts := github.Options{
		Log: announce.NewDeliveries(a.store), Handler: announcer,
		Logger: a.log, Registerer: a.metrics, Wants: ann.Wants,
	}
	var parts []runner
	if cfg.Gating() {
		gate, err := a.gate(&opts, d)
		if err != nil {
			return nil, err
		}
		parts = append(parts, runner{name: "gating", run: gate.Run})
	}
	rcv, err := github.NewReceiver(cfg.Config, opts)
	if err != nil {
		return nil, err
	}
	parts = append(parts, runner{name: "webhook receiver", run: rcv.Run})

	if cfg.Listen == "" {
		// No method in the pattern: the receiver answers 405 itself.
		mux.Handle(github.Path, rcv)
		return parts, nil
	}
	srv, err := github.NewServer(cfg.Config, rcv, a.log)
	if err != nil {
		return nil, err
	}
	return append(parts, runner{name: "webhook listener", run: func(ctx context.Context) error {
		return srv.Serve(ctx)
	}}), nil
}

// gate makes the pull request gate and puts it in the receiver's opts:
// its inbox in front of the delivery log, the gate after the announcer,
// its event types wanted, and its deliveries stored before the answer.
func (a *app) gate(opts *github.Options, d *commands.Dispatcher) (*gating.Gate, error) {
	if a.followups == nil || a.statuses == nil {
		return nil, errors.New("github.repos: gating needs [jenkins]")
	}

	inbox := gating.NewInbox(opts.Log, a.store)
	gate, err := gating.New(gating.Options{
		Repos: a.cfg.GitHub.Repos, Jobs: a.cfg.Jenkins.PRJobs,
		PRParam: a.cfg.Jenkins.PRParam, SHAParam: a.cfg.Jenkins.SHAParam,
		API: a.githubAPI, Jenkins: a.bridge, Followups: a.followups, Statuses: a.statuses,
		Inbox: inbox, Store: a.store, Commander: d,
		Logger: a.log.With(keyIntegration, "gating"), Registerer: a.metrics,
	})
	if err != nil {
		return nil, err
	}

	announcer, wants := opts.Handler, opts.Wants
	opts.Log = inbox
	opts.Handler = github.Handlers{announcer, gate}
	opts.Wants = func(t string) bool { return wants(t) || gate.Wants(t) }
	opts.Durable = gate.Durable
	return gate, nil
}
