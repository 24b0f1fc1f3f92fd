package announce_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gh "github.com/google/go-github/v62/github"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/announce"
	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/internal/testbed"
	"github.com/gordonbot/gordon/store"
)

const secret = "fleet-webhook-secret"

// The routes of the test: the main repository's work on master and the
// release branches to #fleet, releases of any repository to #releases.
var routes = announce.Config{Routes: []announce.Route{
	{Repos: []string{"docker/docker"}, Branches: []string{"master", "release/*"}, Channel: "#fleet"},
	{Repos: []string{"docker/*"}, Events: []string{"release"}, Channel: "#releases"},
}}

// hook is gordon's webhook side, as the lead wires it: the receiver on
// the HTTP mux, handing events to the announcer, which speaks through
// the IRC session.
type hook struct {
	url string
}

// ircDeliveries are posted in order; each is heard in the channels
// listed, and nowhere else.
var ircDeliveries = []struct {
	event, file, id string
	heard           []string
}{
	{"push", "push.json", "d1", []string{"#fleet"}},
	{"push", "push.json", "d1", nil}, // redelivered: acknowledged, not announced again
	{"pull_request", "pull_request_opened.json", "d2", []string{"#fleet"}},
	{"pull_request", "pull_request_synchronize.json", "d3", nil}, // not news
	{"pull_request", "pull_request_opened_hostile.json", "d4", []string{"#fleet"}},
	{"issues", "issues_opened.json", "d5", nil}, // no route takes issues
	{"status", "status_success.json", "d6", nil},
	{"status", "status_failure.json", "d7", []string{"#fleet"}},
	{"check_run", "check_run_timed_out.json", "d8", []string{"#fleet"}},
	{"release", "release_prerelease.json", "d9", []string{"#fleet", "#releases"}},
	{"pull_request", "pull_request_merged.json", "d10", []string{"#fleet"}},
}

func TestAnnouncementsReachIRC(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	listeners := map[string]*testbed.Client{
		"#fleet":    testbed.Dial(t, srv.Addr, "alice"),
		"#releases": testbed.Dial(t, srv.Addr, "bob"),
	}
	for channel, c := range listeners {
		c.Join(t, channel)
	}

	cfg := routes
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	h := startHook(t, cfg, startSession(t, srv.Addr, cfg.Channels()))

	want := map[string][]string{}
	for _, d := range ircDeliveries {
		if status := h.post(t, d.event, d.id, d.file); status != http.StatusAccepted {
			t.Fatalf("%s %s: status %d", d.event, d.file, status)
		}
		for _, channel := range d.heard {
			want[channel] = append(want[channel], line(t, d.event, d.file))
		}
	}

	for channel, c := range listeners {
		last := want[channel][len(want[channel])-1]
		c.WaitPrivmsg(t, "gordon", channel, func(s string) bool { return s == last }, 15*time.Second)
		if got := said(c, channel); strings.Join(got, "\n") != strings.Join(want[channel], "\n") {
			t.Errorf("%s heard:\n%s\nwant:\n%s", channel, strings.Join(got, "\n"), strings.Join(want[channel], "\n"))
		}
	}
}

// line returns the announcement of a captured delivery.
func line(t *testing.T, event, file string) string {
	t.Helper()

	p, err := gh.ParseWebHook(event, readPayload(t, file))
	if err != nil {
		t.Fatal(err)
	}
	l, ok := announce.Line(github.Event{Type: event, Payload: p})
	if !ok {
		t.Fatalf("%s is not announced", file)
	}
	return l
}

// said returns what gordon said in channel, as c heard it.
func said(c *testbed.Client, channel string) []string {
	var out []string
	for _, m := range c.Messages() {
		if m.Command == "PRIVMSG" && m.From == "gordon" && strings.EqualFold(m.Target, channel) {
			out = append(out, m.Text)
		}
	}
	return out
}

// startSession connects gordon to the IRC server at addr, joined to
// channels, and waits until it is ready.
func startSession(t *testing.T, addr string, channels []string) *bot.Session {
	t.Helper()

	cfg := bot.Config{Server: addr, Nick: "gordon", Channels: channels,
		FloodInterval: config.Duration(50 * time.Millisecond)}
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("irc config: %v", err)
	}
	s := bot.NewSession(cfg, testLogger(t), nil)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ignoreCommands{}) }()
	t.Cleanup(func() { cancel(); <-done })

	waitReady(t, s)
	return s
}

// waitReady waits until the session says it is connected and joined.
func waitReady(t *testing.T, s *bot.Session) {
	t.Helper()

	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok, _ := s.Ready(); ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, why := s.Ready()
	t.Fatalf("gordon not ready: %s", why)
}

// startHook runs the receiver and the announcer behind an HTTP server
// on loopback, with the delivery log in a memory store.
func startHook(t *testing.T, cfg announce.Config, out commands.Replier) *hook {
	t.Helper()

	a, err := announce.New(cfg, out, testLogger(t), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	rcfg := github.Config{WebhookSecrets: []string{secret}}
	rcfg.Defaults()
	r, err := github.NewReceiver(rcfg, github.Options{
		Log: announce.NewDeliveries(store.NewMemory()), Handler: a,
		Logger: testLogger(t), Wants: cfg.Wants,
	})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	mux := http.NewServeMux()
	mux.Handle(github.Path, r)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); cancel(); <-done })
	return &hook{url: srv.URL + github.Path}
}

// post delivers a captured payload, signed as GitHub signs it, and
// returns the status of the answer.
func (h *hook) post(t *testing.T, event, id, file string) int {
	t.Helper()

	body := readPayload(t, file)
	req, err := http.NewRequest(http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(github.EventHeader, event)
	req.Header.Set(github.DeliveryHeader, id)
	req.Header.Set(github.SignatureHeader, github.Sign(secret, body))

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post %s: %v", file, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// readPayload reads a captured delivery, shared with the receiver's
// tests.
func readPayload(t *testing.T, file string) []byte {
	t.Helper()

	body, err := os.ReadFile(filepath.Join("..", "integrations", "github", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// ignoreCommands is a bot.Handler for a test that sends no commands.
type ignoreCommands struct{}

func (ignoreCommands) Handle(context.Context, commands.Message) {}

func testLogger(t *testing.T) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
