package gating

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gordonbot/gordon/announce"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/followup"
	"github.com/gordonbot/gordon/followup/jenkinsbridge"
	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/integrations/github/githubtest"
	"github.com/gordonbot/gordon/integrations/jenkins"
	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
	"github.com/gordonbot/gordon/store"
)

const (
	repo          = "docker/docker"
	number        = 14021
	webhookSecret = "It's a Secret to Everybody"
	githubToken   = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
	jenkinsUser   = "gordon"
	jenkinsToken  = "11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7"
)

// The heads of the test pull request: the first push and the next.
const (
	headA = "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e"
	headB = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d"
)

var prJobs = []string{"docker-pr", "docker-pr-experimental"}

// clock is the one clock of every part of a rig: GitHub's rate limit
// windows, Jenkins' builds, the follow-ups and the gate. Sleeping on it
// moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.Add(d)
	return ctx.Err()
}

// irc keeps the replies that went to IRC.
type irc struct {
	mu    sync.Mutex
	lines []string
}

func (i *irc) Send(ctx context.Context, r commands.Reply) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	for _, l := range r.Lines {
		i.lines = append(i.lines, r.Target+" "+l)
	}
	return nil
}

// rig is gordon's gating, end to end: a webhook receiver taking signed
// deliveries, the gate, the real go-github client against the fake
// GitHub API, the Jenkins client against the simulator, the follow-up
// engine with its close hook, and the dispatcher with rebuild.
type rig struct {
	clock    *clock
	api      *githubtest.Server
	sim      *jenkinstest.Server
	store    *store.Memory
	inbox    *Inbox
	statuses *Statuses
	gate     *Gate
	engine   *followup.Engine
	out      *Replier
	irc      *irc
	rcv      *github.Receiver
	handled  chan error
	bridge   *jenkinsbridge.Bridge
	client   *github.Client
	disp     *commands.Dispatcher

	// crashed drops every event instead of handling it, as a gordon
	// that died after answering GitHub would.
	crashed atomic.Bool
}

// newRig starts a rig whose simulator has one agent with executors
// executors (none: disconnected), and a pull request of repo with
// commits.
func newRig(t *testing.T, executors int, commits []githubtest.Commit) *rig {
	t.Helper()
	r := &rig{clock: &clock{now: time.Date(2015, 6, 22, 9, 30, 0, 0, time.UTC)}, store: store.NewMemory(),
		irc: &irc{}, handled: make(chan error, 16)}
	r.startGitHub(t, commits)
	r.startJenkins(t, executors)
	r.wire(t, r.store)
	r.startReceiver(t)
	return r
}

func (r *rig) startGitHub(t *testing.T, commits []githubtest.Commit) {
	t.Helper()
	r.api = githubtest.New(githubtest.Config{Token: githubToken, Now: r.clock.Now})
	r.api.AddRepo(repo)
	r.api.SetPull(repo, number, commits)
	r.api.SetPermission(repo, "alice-maint", "maintain")
	r.api.SetPermission(repo, "carol-reader", "read")
	srv := httptest.NewServer(r.api)
	t.Cleanup(srv.Close)

	c, err := github.NewClient(github.Config{APIURL: srv.URL + "/", Token: githubToken},
		github.APIOptions{WriteGap: -1, Now: r.clock.Now, Sleep: r.clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	r.client = c
}

func (r *rig) startJenkins(t *testing.T, executors int) {
	t.Helper()
	r.sim = jenkinstest.New(jenkinstest.Config{User: jenkinsUser, Token: jenkinsToken, Now: r.clock.Now})
	params := []jenkinstest.ParamSpec{{Name: "PR"}, {Name: "SHA"}, {Name: "NODE"}, {Name: "GORDON_USER"}}
	for _, job := range prJobs {
		r.sim.AddJob(jenkinstest.JobSpec{Name: job, Params: params, Concurrent: true, NodeParam: "NODE"})
	}
	// No executors is an agent that is not connected: builds wait.
	r.sim.AddComputer(jenkinstest.ComputerSpec{Name: "dm-1", Labels: []string{"docker"}, Executors: executors,
		Disconnected: executors == 0})
	srv := httptest.NewServer(r.sim)
	t.Cleanup(srv.Close)

	jc, err := jenkins.New(jenkins.Config{URL: srv.URL, User: jenkinsUser, Token: jenkinsToken, ReadAttempts: 1,
		PRJobs: prJobs}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.bridge = jenkinsbridge.New(jc, nil)
}

// wire makes gordon's side over st, as cmd/gordon does: it is called
// again to stand for gordon restarted over the same store.
func (r *rig) wire(t *testing.T, st *store.Memory) {
	t.Helper()
	var err error
	r.statuses, err = NewStatuses(StatusOptions{API: r.client, Store: st, Repos: []string{repo}})
	if err != nil {
		t.Fatal(err)
	}
	r.engine, err = followup.New(followup.Options{Config: followup.Config{MaxRequestsPerSecond: 1000},
		Jenkins: r.bridge, Store: st, Now: r.clock.Now, OnClose: r.statuses.FollowupClosed})
	if err != nil {
		t.Fatal(err)
	}

	reg := commands.NewRegistry()
	reg.Register(commands.RebuildCommand(r.bridge, r.statuses.Followups(r.engine),
		commands.RebuildOptions{PRJobs: prJobs}))
	r.out = NewReplier(r.client, r.irc, nil)
	r.disp = commands.NewDispatcher(commands.Options{Registry: reg, Roles: commands.NewRoles(nil), Out: r.out,
		Audit: commands.NewAudit(st), Config: commands.Config{Timeout: config.Duration(10 * time.Second),
			RateBurst: 5, RateInterval: config.Duration(time.Second)}, Nick: "gordon", Prefix: "!",
		MainChannel: "#docker-dev", Logger: slog.New(slog.DiscardHandler)})

	r.inbox = NewInbox(announce.NewDeliveries(st), st)
	r.gate, err = New(Options{Repos: []string{repo}, Jobs: prJobs, API: r.client, Jenkins: r.bridge,
		Followups: r.engine, Statuses: r.statuses, Inbox: r.inbox, Store: st, Commander: r.disp, Now: r.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
}

func (r *rig) startReceiver(t *testing.T) {
	t.Helper()
	cfg := github.Config{WebhookSecrets: []string{webhookSecret}}
	cfg.Defaults()
	h := github.HandlerFunc(func(ctx context.Context, e github.Event) error {
		if r.crashed.Load() {
			r.handled <- nil
			return nil
		}
		err := r.gate.HandleEvent(ctx, e)
		r.handled <- err
		return err
	})
	rcv, err := github.NewReceiver(cfg, github.Options{Log: r.inbox, Handler: h, Now: r.clock.Now,
		Wants:   func(t string) bool { return r.gate.Wants(t) },
		Durable: func(e github.Event) bool { return r.gate.Durable(e) }})
	if err != nil {
		t.Fatal(err)
	}
	r.rcv = rcv

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rcv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// post delivers a signed event and returns the receiver's status code.
func (r *rig) post(t *testing.T, event, id string, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, github.Path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/6f3a1c2")
	req.Header.Set(github.EventHeader, event)
	req.Header.Set(github.DeliveryHeader, id)
	req.Header.Set(github.HookIDHeader, "5220341")
	req.Header.Set(github.SignatureHeader, github.Sign(webhookSecret, body))
	w := httptest.NewRecorder()
	r.rcv.ServeHTTP(w, req)
	return w.Code
}

// deliver posts an event the gate acts on and waits until it was
// handled; it returns the handler's error.
func (r *rig) deliver(t *testing.T, event, id string, body []byte) error {
	t.Helper()
	if code := r.post(t, event, id, body); code != http.StatusAccepted {
		t.Fatalf("delivery %s answered %d", id, code)
	}
	select {
	case err := <-r.handled:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("delivery %s was not handled", id)
		return nil
	}
}

// mustDeliver is deliver for a delivery that must be handled well.
func (r *rig) mustDeliver(t *testing.T, event, id string, body []byte) {
	t.Helper()
	if err := r.deliver(t, event, id, body); err != nil {
		t.Fatalf("delivery %s: %v", id, err)
	}
}

// poll runs one round of the follow-ups.
func (r *rig) poll(t *testing.T) {
	t.Helper()
	r.engine.Poll(context.Background(), r.out)
}

// calls returns the GitHub API requests made so far as "METHOD path",
// and how many there were from the index from on.
func (r *rig) calls(from int) []string {
	var out []string
	for _, req := range r.api.Requests()[from:] {
		path := strings.ReplaceAll(req.Path, "/repos/"+repo, "")
		path = strings.ReplaceAll(path, headA, "A")
		path = strings.ReplaceAll(path, headB, "B")
		out = append(out, req.Method+" "+path)
	}
	return out
}

// mark returns how many GitHub API requests were made so far.
func (r *rig) mark() int {
	return len(r.api.Requests())
}

// statuses returns the last state and description of each context on
// sha, as "context state: description".
func (r *rig) latest(sha string) map[string]string {
	out := map[string]string{}
	for ctx, st := range r.api.Latest(repo, sha) {
		out[ctx] = st.State + ": " + st.Description
	}
	return out
}

// active returns the pull request's items waiting in the queue and its
// builds running, as "job SHA waiting" and "job SHA #number".
func (r *rig) active(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	items, err := r.bridge.Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	builds, err := r.bridge.PRBuilds(ctx, number, 20)
	if err != nil {
		t.Fatal(err)
	}

	var out []string
	for _, it := range items {
		out = append(out, it.Job+" "+shortSHA(it.Params["SHA"])+" waiting")
	}
	for _, b := range builds {
		if b.Building {
			out = append(out, fmt.Sprintf("%s %s #%d", b.Job, shortSHA(b.Params["SHA"]), b.Number))
		}
	}
	slices.Sort(out)
	return out
}

// prBody is a pull_request delivery of action with head.
func prBody(t *testing.T, action, head string, commits int) []byte {
	t.Helper()
	return edit(t, "pull_request.json", func(m map[string]any) {
		m["action"] = action
		pr := m["pull_request"].(map[string]any)
		pr["head"].(map[string]any)["sha"] = head
		pr["commits"] = commits
		if action == actionClosed {
			pr["state"] = "closed"
		}
	})
}

// commentBody is an issue_comment delivery of a comment by login.
func commentBody(t *testing.T, login, text string) []byte {
	t.Helper()
	return edit(t, "issue_comment.json", func(m map[string]any) {
		m["comment"].(map[string]any)["body"] = text
		m["comment"].(map[string]any)["user"].(map[string]any)["login"] = login
		m["sender"].(map[string]any)["login"] = login
	})
}

// edit reads a payload from testdata, changes it and encodes it again.
func edit(t *testing.T, name string, change func(map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// signed returns commits of a pull request ending at head: all signed
// off, but those whose index is in unsigned; a merge of master comes
// second, without a sign-off, as git writes merges.
func signed(head string, n int, unsigned ...int) []githubtest.Commit {
	out := make([]githubtest.Commit, n)
	parent := "c0ffee1234567890abcdef1234567890abcdef12"
	for i := range out {
		sha := fmt.Sprintf("%s%02d", head[:38], i)
		if i == n-1 {
			sha = head
		}
		msg := fmt.Sprintf("storage: change %d\n\nSigned-off-by: Bob Contributor <bob@example.org>", i)
		parents := []string{parent}
		for _, u := range unsigned {
			if u == i {
				msg = fmt.Sprintf("storage: change %d", i)
			}
		}
		if i == 1 {
			msg, parents = "Merge branch 'master' into storage-docs", append(parents, "feedface00000000000000000000000000000000")
		}
		out[i] = githubtest.Commit{SHA: sha, Message: msg, Parents: parents}
		parent = sha
	}
	return out
}

// same fails the test unless got equals want.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s:\n got %v\nwant %v", what, got, want)
	}
}
