package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
	"github.com/gordonbot/gordon/internal/testbed"
)

// jenkinsSite serves the Jenkins simulator on a fixed loopback address
// that can go away and come back, as a Jenkins restarting does.
type jenkinsSite struct {
	sim  *jenkinstest.Server
	addr string

	mu  sync.Mutex
	srv *http.Server
}

func startJenkinsSite(t *testing.T, sim *jenkinstest.Server) *jenkinsSite {
	t.Helper()
	s := &jenkinsSite{sim: sim, addr: freeAddr(t)}
	s.up(t)
	t.Cleanup(s.down)
	return s
}

// up starts serving at the site's address.
func (s *jenkinsSite) up(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatalf("jenkins back at %s: %v", s.addr, err)
	}
	srv := &http.Server{Handler: s.sim}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// down stops serving: connections are refused until up.
func (s *jenkinsSite) down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}

// gordonProc is gordon running in this process with runBot.
type gordonProc struct {
	stop context.CancelFunc
	done chan error
	log  *syncBuffer
}

// syncBuffer is a log shared with the running gordon.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startGordonProc(t *testing.T, path string) *gordonProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	g := &gordonProc{stop: cancel, done: make(chan error, 1), log: &syncBuffer{}}
	go func() { g.done <- runBot(ctx, path, g.log) }()
	t.Cleanup(func() {
		g.halt(t)
		if t.Failed() {
			t.Logf("gordon's log:\n%s", g.log)
		}
	})
	return g
}

// halt stops gordon and waits for it; again does nothing.
func (g *gordonProc) halt(t *testing.T) {
	t.Helper()
	if g.stop == nil {
		return
	}
	g.stop()
	g.stop = nil
	select {
	case err := <-g.done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("gordon stopped with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("gordon did not stop")
	}
}

// rebuildConfig is the example config on the IRC server at irc and the
// Jenkins at jenkinsURL, without Consul, following builds every 100ms.
// It returns the file and gordon's HTTP address.
func rebuildConfig(t *testing.T, irc, jenkinsURL string) (path, httpAddr string) {
	httpAddr = freeAddr(t)
	cfg := withAddrs(exampleConfig(t), irc, httpAddr)
	cfg = strings.Replace(cfg, `address = "127.0.0.1:8500"`, `address = ""`, 1)
	cfg = withoutUpgrades(t, cfg)
	cfg = strings.Replace(cfg, `url = "http://127.0.0.1:8080"`, fmt.Sprintf("url = %q", jenkinsURL), 1)
	cfg = strings.Replace(cfg, `poll_interval = "5s"`, `poll_interval = "100ms"`, 1)
	cfg = strings.Replace(cfg, `poll_max_interval = "1m"`, `poll_max_interval = "400ms"`, 1)
	cfg = strings.Replace(cfg, `pr_jobs = ["docker-pr", "docker-pr-experimental"]`, `pr_jobs = ["docker-pr"]`, 1)
	return writeConfig(t, cfg), httpAddr
}

// waitReady polls gordon's /readyz until it says ready.
func waitReady(t *testing.T, httpAddr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + httpAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("gordon never became ready")
}

// prJob is the simulator's docker-pr job, whose builds run until finished.
func prJob() jenkinstest.JobSpec {
	return jenkinstest.JobSpec{
		Name:       "docker-pr",
		Concurrent: true,
		NodeParam:  "NODE",
		Params: []jenkinstest.ParamSpec{
			{Name: "PR"}, {Name: "NODE"}, {Name: "GORDON_USER"},
		},
	}
}

// fromGordon waits for gordon's line in #fleet containing want.
func fromGordon(t *testing.T, c *testbed.Client, want string) string {
	t.Helper()
	return c.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.Contains(s, want) }, 20*time.Second)
}

// buildOf returns the number of the docker-pr build a line names.
func buildOf(t *testing.T, line string) int64 {
	t.Helper()
	var n int64
	if i := strings.Index(line, "docker-pr #"); i >= 0 {
		fmt.Sscanf(line[i+len("docker-pr #"):], "%d", &n)
	}
	if n == 0 {
		t.Fatalf("no build number in %q", line)
	}
	return n
}

// TestRebuildEndToEnd: rebuilds asked for in the channel on real ngircd
// are queued on the Jenkins stand-in, pinned, and reported when they
// start and end, through a failure, a restart of gordon, and Jenkins
// going away.
func TestRebuildEndToEnd(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	sim := jenkinstest.New(jenkinstest.Config{User: "gordon", Token: "example-token"})
	sim.AddJob(prJob())
	sim.AddComputer(jenkinstest.ComputerSpec{Name: "dm-1", Labels: []string{"devicemapper"}})
	sim.AddComputer(jenkinstest.ComputerSpec{Name: "dm-2", Labels: []string{"devicemapper"}, Disconnected: true})
	site := startJenkinsSite(t, sim)
	path, httpAddr := rebuildConfig(t, srv.Addr, "http://"+site.addr)

	g := startGordonProc(t, path)
	alice := testbed.Dial(t, srv.Addr, "alice")
	alice.Join(t, "#fleet")
	waitReady(t, httpAddr)

	// A rebuild pinned to a node: queued, started, ended.
	alice.Say("#fleet", "!rebuild 1234 on dm-1")
	fromGordon(t, alice, "PR 1234: queued docker-pr")
	started := fromGordon(t, alice, "for PR 1234 started")
	if !strings.HasPrefix(started, "alice: ") || !strings.Contains(started, "on dm-1") {
		t.Fatalf("start line: %q", started)
	}
	n := buildOf(t, started)
	if err := sim.Finish("docker-pr", n, jenkinstest.Success); err != nil {
		t.Fatal(err)
	}
	if got := fromGordon(t, alice, "for PR 1234 ended"); !strings.Contains(got, "SUCCESS") {
		t.Fatalf("end line: %q", got)
	}
	checkParams(t, sim, "1234", "dm-1")

	// An offline node is refused with the reason.
	alice.Say("#fleet", "!rebuild 1235 on dm-2")
	fromGordon(t, alice, "node dm-2 is offline; add --force to queue anyway")

	// A failing build says so.
	alice.Say("#fleet", "!rebuild 1236 on dm-1")
	n = buildOf(t, fromGordon(t, alice, "for PR 1236 started"))
	sim.Finish("docker-pr", n, jenkinstest.Failure)
	fromGordon(t, alice, "for PR 1236 ended: FAILURE")

	// gordon restarted between the start and the end still reports the end.
	alice.Say("#fleet", "!rebuild 1237 on dm-1")
	n = buildOf(t, fromGordon(t, alice, "for PR 1237 started"))
	g.halt(t)
	sim.Finish("docker-pr", n, jenkinstest.Success)
	startGordonProc(t, path)
	waitReady(t, httpAddr)
	fromGordon(t, alice, "for PR 1237 ended: SUCCESS")

	// Jenkins down when asked: a plain answer, nothing queued.
	site.down()
	alice.Say("#fleet", "!rebuild 1238 on dm-1")
	fromGordon(t, alice, "rebuild: Jenkins is unreachable")
	site.up(t)

	// Jenkins going down during a follow-up: the end is reported once it
	// is back.
	alice.Say("#fleet", "!rebuild 1239 on dm-1")
	n = buildOf(t, fromGordon(t, alice, "for PR 1239 started"))
	site.down()
	sim.Finish("docker-pr", n, jenkinstest.Success)
	time.Sleep(time.Second) // a few rounds fail meanwhile
	site.up(t)
	fromGordon(t, alice, "for PR 1239 ended: SUCCESS")
}

// checkParams checks that the simulator received a buildWithParameters
// for pr pinned to node, carrying who asked.
func checkParams(t *testing.T, sim *jenkinstest.Server, pr, node string) {
	t.Helper()
	for _, r := range sim.Posts() {
		if strings.HasSuffix(r.Path, "/buildWithParameters") && r.Form.Get("PR") == pr {
			if r.Form.Get("NODE") != node || r.Form.Get("GORDON_USER") != "alice" {
				t.Fatalf("build of PR %s posted with %v", pr, r.Form)
			}
			return
		}
	}
	t.Fatalf("no buildWithParameters for PR %s among %v", pr, sim.Posts())
}

// withoutUpgrades cuts the [upgrade] sections out of the example config,
// for a gordon without Consul.
func withoutUpgrades(t *testing.T, cfg string) string {
	t.Helper()
	start := strings.Index(cfg, "# Rolling upgrades")
	end := strings.Index(cfg, "# Jenkins: build")
	if start < 0 || end < start {
		t.Fatal("the example config has moved its upgrade sections")
	}
	return cfg[:start] + cfg[end:]
}
