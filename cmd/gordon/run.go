package main

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
)

// runBot runs gordon on IRC until ctx ends.
func runBot(ctx context.Context, path string, stderr io.Writer) error {
	a, err := newApp(path, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	a.log.Info("gordon starting", keyVersion, version, keyPath, path)

	session := bot.NewSession(a.cfg.IRC, a.log, a.metrics)
	out := a.replier(session)
	d := a.dispatcher(out, a.cfg.IRC.Nick)
	session.OnNick = d.SetNick

	mux := newMux(a.metrics, session.Ready)
	hooks, err := a.webhooks(out, d, mux)
	if err != nil {
		return err
	}
	httpDone, err := serveHTTP(ctx, a.log, a.cfg.HTTP.Listen, mux)
	if err != nil {
		return err
	}

	// Every part stops by itself when ctx ends; the store closes only
	// after all have, since the webhook receiver writes its last batch
	// on the way out.
	alertParts, err := a.alertRunners(session)
	if err != nil {
		return err
	}
	parts := append(append(hooks, alertParts...), a.followupRunner(out)...)
	parts = append(parts, a.upgradeRunners(out)...)
	parts = append(parts, runner{name: "schedules", run: func(ctx context.Context) error { return a.sched.Run(ctx, d, out) }})
	err = runAll(ctx, a.log, append(parts,
		runner{name: "http", run: func(ctx context.Context) error {
			// The listener stops on runBot's ctx, which may be seen
			// before this one, its child, is cancelled too.
			err := <-httpDone
			if err == nil {
				<-ctx.Done()
			}
			return err
		}},
		runner{name: "irc", run: func(ctx context.Context) error { return session.Run(ctx, d) }},
	)...)
	a.log.Info("gordon stopped")
	return err
}

// runConsole runs the dispatcher on stdin and stdout, as the first
// configured maintainer, until the input ends or ctx does.
func runConsole(ctx context.Context, path string, stdin io.Reader, stdout, stderr io.Writer) error {
	a, err := newApp(path, stderr)
	if err != nil {
		return err
	}
	defer a.Close()

	console := bot.NewConsole(consoleIdentity(a.cfg.Maintainers[0]), stdout)
	d := a.dispatcher(console, a.cfg.IRC.Nick)
	fmt.Fprintf(stdout, "gordon console: you are %s; type help, Ctrl-D to leave\n", a.cfg.Maintainers[0].Name)

	// Follow-ups report at the console too while it is open; the input
	// ending stops them.
	fctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	out := a.replier(console)
	for _, r := range append(a.followupRunner(out), a.upgradeRunners(out)...) {
		wg.Go(func() { _ = r.run(fctx) })
	}
	err = console.Run(ctx, stdin, d)
	stop()
	wg.Wait()
	return err
}

// consoleIdentity makes the person at the terminal the maintainer m.
func consoleIdentity(m commands.Maintainer) commands.Identity {
	id := commands.Identity{Nick: m.Name, User: m.Name, Host: "console", Via: "console", AccountsTracked: true}
	if len(m.Accounts) > 0 {
		id.Account = m.Accounts[0]
	} else {
		id.AccountsTracked = false
	}
	return id
}
