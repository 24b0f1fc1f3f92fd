package testbed

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// ConsulEnv names a variable that, when set, is the path of the
	// consul binary to run instead of bin/consul at the module root.
	ConsulEnv = "GORDON_CONSUL"

	// ConsulNodeName is the name the test agent registers itself under:
	// every catalog listing holds this node besides the registered ones.
	ConsulNodeName = "testbed-consul"

	// consulStartTimeout bounds the wait for a leader. A dev agent elects
	// itself in about 200 ms; a loaded machine running tests in parallel
	// can take much longer.
	consulStartTimeout = 30 * time.Second

	// consulPoll is how often a starting agent is asked for its leader.
	consulPoll = 20 * time.Millisecond

	// registerWorkers is how many registrations are sent at once.
	registerWorkers = 8
)

// ConsulOptions configures StartConsul.
type ConsulOptions struct {
	// ACL turns ACLs on with a default policy of deny. The agent's Token
	// is then its management token; any other token is refused.
	ACL bool
}

// Consul is a Consul agent in dev mode on 127.0.0.1, owned by one test: a
// single server that keeps its state in memory.
type Consul struct {
	// Addr is the host:port of its HTTP API.
	Addr string

	// Dir holds the agent's output.
	Dir string

	// Token is the management token when ACLs are on, otherwise empty.
	Token string

	argv   []string
	client *http.Client

	mu     sync.Mutex
	proc   *process // nil once stopped
	paused bool
}

// StartConsul starts `consul agent -dev` with every port it opens free on
// 127.0.0.1 (DNS and gRPC off), waits until it has elected itself leader,
// and stops it when the test ends. The binary is bin/consul under the
// module root, or the one ConsulEnv names; when it is missing the test
// fails, saying to run scripts/build-consul.sh.
func StartConsul(t testing.TB, opts ConsulOptions) *Consul {
	t.Helper()

	bin := requireConsul(t)
	c := &Consul{Dir: t.TempDir(), client: &http.Client{Timeout: 10 * time.Second}}
	c.argv = c.command(t, bin, opts)

	t.Cleanup(func() { c.showLog(t) })
	t.Cleanup(c.Stop)

	p, err := launchConsul(c.Dir, c.argv)
	if err != nil {
		t.Fatalf("starting consul: %v", err)
	}
	c.mu.Lock()
	c.proc = p
	c.mu.Unlock()

	if err := c.waitReady(p); err != nil {
		t.Fatalf("starting consul: %v", err)
	}
	return c
}

// command returns the agent's command line, with a free port for each of
// its listeners.
func (c *Consul) command(t testing.TB, bin string, opts ConsulOptions) []string {
	t.Helper()

	httpPort := FreePort(t)
	c.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))
	argv := []string{
		bin, "agent", "-dev",
		"-node", ConsulNodeName,
		"-bind", "127.0.0.1", "-client", "127.0.0.1",
		"-http-port", strconv.Itoa(httpPort),
		"-server-port", strconv.Itoa(FreePort(t)),
		"-serf-lan-port", strconv.Itoa(FreePort(t)),
		"-serf-wan-port", strconv.Itoa(FreePort(t)),
		"-dns-port", "-1", "-grpc-port", "-1", "-grpc-tls-port", "-1",
		"-log-level", "info",
	}
	if !opts.ACL {
		return argv
	}

	c.Token = newUUID(t)
	acl := fmt.Sprintf(`acl { enabled = true, default_policy = "deny", `+
		`tokens { initial_management = %q, agent = %q } }`, c.Token, c.Token)
	return append(argv, "-hcl", acl)
}

// launchConsul starts the agent with its output in dir.
func launchConsul(dir string, argv []string) (*process, error) {
	out, err := os.Create(filepath.Join(dir, outputFile))
	if err != nil {
		return nil, fmt.Errorf("creating output file: %w", err)
	}
	defer out.Close()

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("running %s: %w", argv[0], err)
	}

	p := &process{cmd: cmd, exited: make(chan struct{})}
	go p.wait()
	return p, nil
}

// waitReady polls the agent until it has a leader and, with ACLs on,
// accepts its management token. It fails early when the agent exits.
func (c *Consul) waitReady(p *process) error {
	deadline := time.Now().Add(consulStartTimeout)
	var last error
	for time.Now().Before(deadline) {
		if last = c.ready(); last == nil {
			return nil
		}

		select {
		case <-p.exited:
			return fmt.Errorf("consul exited before it was ready: %w", p.exitError())
		case <-time.After(consulPoll):
		}
	}
	return fmt.Errorf("no leader after %s: %w", consulStartTimeout, last)
}

// ready returns nil once the agent has a leader and its ACL system, when
// on, knows the management token.
func (c *Consul) ready() error {
	var leader string
	if err := c.call(http.MethodGet, "/v1/status/leader", nil, &leader); err != nil {
		return err
	}
	if leader == "" {
		return errors.New("no leader yet")
	}

	if c.Token == "" {
		return nil
	}
	return c.call(http.MethodGet, "/v1/acl/token/self", nil, nil)
}

// Stop stops the agent and waits until it has exited. It is safe to call
// more than once; after it, requests to Addr are refused.
func (c *Consul) Stop() {
	c.mu.Lock()
	p, paused := c.proc, c.paused
	c.proc, c.paused = nil, false
	c.mu.Unlock()

	if p == nil {
		return
	}
	if paused {
		_ = p.cmd.Process.Signal(syscall.SIGCONT)
	}
	p.stop()
}

// Pause freezes the agent (SIGSTOP): it keeps its port open and accepts
// connections but answers nothing, as a hung server does, until Resume.
func (c *Consul) Pause(t testing.TB) {
	t.Helper()
	c.signal(t, syscall.SIGSTOP, true)
}

// Resume lets a paused agent run again (SIGCONT).
func (c *Consul) Resume(t testing.TB) {
	t.Helper()
	c.signal(t, syscall.SIGCONT, false)
}

// signal sends sig to the running agent and records whether it is paused.
func (c *Consul) signal(t testing.TB, sig syscall.Signal, paused bool) {
	t.Helper()

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		t.Fatalf("consul is not running")
	}
	if err := c.proc.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signalling consul: %v", err)
	}
	if sig == syscall.SIGSTOP {
		if err := waitStopped(c.proc.cmd.Process.Pid); err != nil {
			t.Fatalf("pausing consul: %v", err)
		}
	}
	c.paused = paused
}

// showLog shows the end of the agent's output when the test failed.
func (c *Consul) showLog(t testing.TB) {
	if t.Failed() {
		t.Logf("consul %s:\n%s", outputFile, readTail(filepath.Join(c.Dir, outputFile), maxShown))
	}
}

// call sends a request to the agent with its token, and decodes a JSON
// answer into out unless out is nil. A status other than 200 is an error
// holding the body.
func (c *Consul) call(method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding %s: %w", path, err)
		}
		r = bytes.NewReader(data)
	}

	req, err := http.NewRequestWithContext(context.Background(), method, "http://"+c.Addr+path, r)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if c.Token != "" {
		req.Header.Set("X-Consul-Token", c.Token)
	}
	return c.do(req, out)
}

// do sends req and reads its answer.
func (c *Consul) do(req *http.Request, out any) error {
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()

	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading answer: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		text := strings.TrimSpace(string(data))
		return fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, text)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

// CreateToken makes an ACL policy of rules (HCL, such as
// `node_prefix "dm-" { policy = "read" }`) on an agent started with ACLs,
// and returns the secret of a new token holding only that policy.
func (c *Consul) CreateToken(t testing.TB, rules string) string {
	t.Helper()

	policy := map[string]string{"Name": "testbed-" + newUUID(t), "Rules": rules}
	var created struct{ ID string }
	if err := c.call(http.MethodPut, "/v1/acl/policy", policy, &created); err != nil {
		t.Fatalf("creating an ACL policy: %v", err)
	}

	token := map[string]any{"Policies": []map[string]string{{"ID": created.ID}}}
	var secret struct{ SecretID string }
	if err := c.call(http.MethodPut, "/v1/acl/token", token, &secret); err != nil {
		t.Fatalf("creating an ACL token: %v", err)
	}
	return secret.SecretID
}

// newUUID returns a random UUID, the form Consul wants for a token.
func newUUID(t testing.TB) string {
	t.Helper()

	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("making a token: %v", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
