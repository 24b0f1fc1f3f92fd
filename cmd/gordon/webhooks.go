package main

import (
	"context"
	"net/http"

	"github.com/gordonbot/gordon/announce"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/integrations/github"
)

// webhooks builds the GitHub receiver and its announcer, mounts it on mux
// or on a listener of its own, and returns the parts to run. Without a
// webhook secret it returns nothing: gordon serves no unsigned webhooks.
func (a *app) webhooks(out commands.Replier, mux *http.ServeMux) ([]runner, error) {
	cfg := a.cfg.GitHub
	if !cfg.Enabled() {
		return nil, nil
	}

	ann := cfg.announce()
	announcer, err := announce.New(ann, out, a.log, a.metrics)
	if err != nil {
		return nil, err
	}
	rcv, err := github.NewReceiver(cfg.Config, github.Options{
		Log: announce.NewDeliveries(a.store), Handler: announcer,
		Logger: a.log, Registerer: a.metrics, Wants: ann.Wants,
	})
	if err != nil {
		return nil, err
	}
	parts := []runner{{name: "webhook receiver", run: rcv.Run}}

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
