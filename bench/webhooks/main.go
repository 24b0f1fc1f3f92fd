package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/announce"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/store"
)

// Secrets of the benchmark's webhook: deliveries are signed with the
// second, so that the receiver checks both, as it does while a secret
// is being rotated.
var secrets = []string{"bench-old-secret", "bench-new-secret"}

// options are the harness's flags.
type options struct {
	n        int
	clients  int
	dup      float64
	testdata string
	big      int
	bigConc  int
	bigSize  int
	serve    bool
	profile  string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 100000, "deliveries to send")
	flag.IntVar(&o.clients, "c", 32, "clients sending at once")
	flag.Float64Var(&o.dup, "dup", 0.05, "share of deliveries that are redeliveries")
	flag.StringVar(&o.testdata, "testdata", "integrations/github/testdata", "captured payloads")
	flag.IntVar(&o.big, "big", 0, "send this many large deliveries instead, and measure memory")
	flag.IntVar(&o.bigConc, "bigc", 1, "large deliveries sent at once")
	flag.IntVar(&o.bigSize, "bigsize", github.DefaultMaxBody-64<<10, "bytes of each large delivery")
	flag.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the load run to this file")
	flag.BoolVar(&o.serve, "serve", false, "be the gordon side of -big, driven over stdin (internal)")
	flag.Parse()

	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "webhooks:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.big > 0 {
		return runBig(o)
	}

	dir, err := os.MkdirTemp("", "gordon-webhooks-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	t, err := start(filepath.Join(dir, "gordon.db"))
	if err != nil {
		return err
	}
	defer t.stop()

	if o.serve {
		return serveChild(t, os.Stdin, os.Stdout)
	}
	if o.profile != "" {
		stop, err := profileCPU(o.profile)
		if err != nil {
			return err
		}
		defer stop()
	}
	return runLoad(t, o)
}

// profileCPU starts a CPU profile into path and returns what stops it.
func profileCPU(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// target is gordon's webhook side under test.
type target struct {
	url      string
	db       *store.Bolt
	receiver *github.Receiver
	handled  atomic.Int64
	lines    *countingReplier
	stop     func()
}

// start wires the receiver as gordon does: bbolt delivery log, the
// announcer with one route taking everything, and an HTTP server on a
// loopback port.
func start(path string) (*target, error) {
	db, err := store.OpenBolt(path)
	if err != nil {
		return nil, err
	}

	t := &target{db: db, lines: &countingReplier{}}
	routes := announce.Config{Routes: []announce.Route{{Repos: []string{"docker/*"}, Channel: "#fleet"}}}
	routes.Defaults()
	a, err := announce.New(routes, t.lines, nil, prometheus.NewRegistry())
	if err != nil {
		return nil, err
	}

	cfg := github.Config{WebhookSecrets: secrets, QueueSize: 8192}
	cfg.Defaults()
	t.receiver, err = github.NewReceiver(cfg, github.Options{
		Log:     announce.NewDeliveries(db),
		Handler: t.counting(a),
		Logger:  slog.New(slog.DiscardHandler),
		Wants:   routes.Wants,
	})
	if err != nil {
		return nil, err
	}
	return t, t.serve()
}

// serve runs the receiver and its HTTP server until stop.
func (t *target) serve() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(github.Path, t.receiver)
	srv := &http.Server{Handler: mux, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	t.url = "http://" + ln.Addr().String() + github.Path

	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { defer close(ran); _ = t.receiver.Run(ctx) }()
	go func() { _ = srv.Serve(ln) }()

	t.stop = func() {
		_ = srv.Close()
		cancel()
		<-ran
		_ = t.db.Close()
	}
	return nil
}

// counting wraps the announcer to count the events handled.
func (t *target) counting(h github.EventHandler) github.EventHandler {
	return github.HandlerFunc(func(ctx context.Context, e github.Event) error {
		defer t.handled.Add(1)
		return h.HandleEvent(ctx, e)
	})
}

// waitHandled waits until n events have been handled.
func (t *target) waitHandled(n int64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for t.handled.Load() < n {
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d events handled after %s", t.handled.Load(), n, limit)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

// countingReplier stands in for the IRC session: it takes the lines and
// counts them.
type countingReplier struct {
	lines atomic.Int64
	bytes atomic.Int64
}

var _ commands.Replier = (*countingReplier)(nil)

// Send counts the lines of reply; it implements commands.Replier.
func (r *countingReplier) Send(ctx context.Context, reply commands.Reply) error {
	for _, l := range reply.Lines {
		r.lines.Add(1)
		r.bytes.Add(int64(len(l)))
	}
	return nil
}

// post sends one signed delivery and returns the answer's status and
// body.
func post(client *http.Client, url, event, id string, body []byte, signature string) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/bench")
	req.Header.Set(github.EventHeader, event)
	req.Header.Set(github.DeliveryHeader, id)
	req.Header.Set(github.SignatureHeader, signature)

	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(text), err
}
