package testbed

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// ConsulAgent is a Consul agent in client mode joined to a test's dev
// agent: the agent of one fleet node. Unlike a synthetic node of the
// catalog it has an HTTP API of its own, through which the node can be put
// in maintenance, and the dev agent's catalog shows what it reports.
type ConsulAgent struct {
	// Name is its node name in the catalog.
	Name string

	// Addr is the host:port of its HTTP API, and URL the same as
	// "http://host:port".
	Addr string
	URL  string

	// Dir holds its data directory and its output.
	Dir string

	server *Consul
	argv   []string
	client *http.Client

	mu   sync.Mutex
	proc *process // nil once stopped
}

// StartConsulClient starts a client agent named name on 127.0.0.1, with
// its own HTTP and serf LAN ports and data directory, joined to server's
// serf LAN address. It returns once the server's catalog lists the node,
// and stops the agent when the test ends. With ACLs on the server, its
// management token is the agent's token too.
func StartConsulClient(t testing.TB, server *Consul, name string) *ConsulAgent {
	t.Helper()

	join, err := server.serfLANAddr()
	if err != nil {
		t.Fatalf("starting consul client %s: %v", name, err)
	}
	a := &ConsulAgent{Name: name, Dir: t.TempDir(), server: server, client: &http.Client{Timeout: 10 * time.Second}}
	a.argv = a.command(t, requireConsul(t), join)

	t.Cleanup(func() { a.showLog(t) })
	t.Cleanup(a.Stop)

	p, err := launchConsul(a.Dir, a.argv)
	if err != nil {
		t.Fatalf("starting consul client %s: %v", name, err)
	}
	a.mu.Lock()
	a.proc = p
	a.mu.Unlock()

	if err := a.waitJoined(p); err != nil {
		t.Fatalf("starting consul client %s: %v", name, err)
	}
	return a
}

// command returns the client agent's command line, joining join.
func (a *ConsulAgent) command(t testing.TB, bin, join string) []string {
	t.Helper()

	httpPort := FreePort(t)
	a.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))
	a.URL = "http://" + a.Addr
	argv := []string{
		bin, "agent",
		"-node", a.Name,
		"-data-dir", filepath.Join(a.Dir, "data"),
		"-bind", "127.0.0.1", "-client", "127.0.0.1",
		"-http-port", strconv.Itoa(httpPort),
		"-serf-lan-port", strconv.Itoa(FreePort(t)),
		"-dns-port", "-1", "-grpc-port", "-1",
		"-retry-join", join, "-retry-interval", "1s",
		"-log-level", "info",
		"-hcl", "disable_update_check = true",
	}
	if a.server.Token == "" {
		return argv
	}

	acl := fmt.Sprintf(`acl { enabled = true, default_policy = "deny", tokens { agent = %q } }`,
		a.server.Token)
	return append(argv, "-hcl", acl)
}

// serfLANAddr returns the host:port the dev agent's serf LAN listens on,
// for a client agent to join.
func (c *Consul) serfLANAddr() (string, error) {
	i := slices.Index(c.argv, "-serf-lan-port")
	if i < 0 || i+1 == len(c.argv) {
		return "", errors.New("the dev agent's command line has no serf LAN port")
	}
	return net.JoinHostPort("127.0.0.1", c.argv[i+1]), nil
}

// waitJoined waits until the dev agent's catalog lists the client's node.
// It fails early when the client exits.
func (a *ConsulAgent) waitJoined(p *process) error {
	deadline := time.Now().Add(consulStartTimeout)
	last := errors.New("not tried")
	for time.Now().Before(deadline) {
		if last = a.joined(); last == nil {
			return nil
		}

		select {
		case <-p.exited:
			return fmt.Errorf("consul client exited before it joined: %w", p.exitError())
		case <-time.After(consulPoll):
		}
	}
	return fmt.Errorf("not in the catalog after %s: %w", consulStartTimeout, last)
}

// joined returns nil once the dev agent's catalog lists the node.
func (a *ConsulAgent) joined() error {
	var node *struct{ Node *struct{ Node string } }
	if err := a.server.call(http.MethodGet, "/v1/catalog/node/"+url.PathEscape(a.Name), nil, &node); err != nil {
		return err
	}
	if node == nil || node.Node == nil {
		return fmt.Errorf("node %s not in the catalog yet", a.Name)
	}
	return nil
}

// Stop stops the client agent and waits until it has exited. It is safe
// to call more than once.
func (a *ConsulAgent) Stop() {
	a.mu.Lock()
	p := a.proc
	a.proc = nil
	a.mu.Unlock()

	if p != nil {
		p.stop()
	}
}

// showLog shows the end of the client's output when the test failed.
func (a *ConsulAgent) showLog(t testing.TB) {
	if t.Failed() {
		t.Logf("consul client %s %s:\n%s", a.Name, outputFile, readTail(filepath.Join(a.Dir, outputFile), maxShown))
	}
}

// Restart stops the dev agent and starts it again with the same command
// line, on the same ports, and waits until it is ready. A dev agent keeps
// its state in memory: it comes back with an empty catalog but for its own
// node. The output of the run before is kept beside the new one, as
// output.log.1.
func (c *Consul) Restart(t testing.TB) {
	t.Helper()
	c.Stop()

	log := filepath.Join(c.Dir, outputFile)
	if err := os.Rename(log, log+".1"); err != nil {
		t.Fatalf("restarting consul: keeping its output: %v", err)
	}
	p, err := launchConsul(c.Dir, c.argv)
	if err != nil {
		t.Fatalf("restarting consul: %v", err)
	}
	c.mu.Lock()
	c.proc = p
	c.mu.Unlock()

	if err := c.waitReady(p); err != nil {
		t.Fatalf("restarting consul: %v", err)
	}
}
