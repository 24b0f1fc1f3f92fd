package testbed

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// StartSSHAgent runs OpenSSH's ssh-agent in the foreground, holding the
// keys of keyFiles (unencrypted, such as NewSSHKey writes), and stops it
// when the test ends. It returns the agent's socket, the
// value SSH_AUTH_SOCK would have. It fails the test, naming the package,
// when ssh-agent is not installed.
func StartSSHAgent(t testing.TB, keyFiles ...string) string {
	t.Helper()

	bin := requireBinary(t, "ssh-agent", "openssh-client")

	// A unix socket's path must fit in about 100 bytes, which a test's
	// own temporary directory, named after the test, may not.
	dir, err := os.MkdirTemp("", "gordon-agent-")
	if err != nil {
		t.Fatalf("directory for ssh-agent: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "agent.sock")

	p, err := startProcess(dir, []string{bin, "-D", "-a", sock})
	if err != nil {
		t.Fatalf("starting ssh-agent: %v", err)
	}
	t.Cleanup(p.stop)

	conn, err := dialAgent(p, sock)
	if err != nil {
		log := readTail(filepath.Join(dir, outputFile), maxShown)
		t.Fatalf("starting ssh-agent: %v\n%s", err, log)
	}
	defer conn.Close()

	add(t, agent.NewClient(conn), keyFiles)
	return sock
}

// dialAgent connects to the agent's socket once it is there, and fails
// early when the agent exits first.
func dialAgent(p *process, sock string) (net.Conn, error) {
	deadline := time.Now().Add(startTimeout)
	for {
		conn, err := net.Dial("unix", sock)
		if err == nil {
			return conn, nil
		}

		select {
		case <-p.exited:
			return nil, fmt.Errorf("exited before listening on %s: %w", sock, p.exitError())
		case <-time.After(dialRetry):
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no socket at %s after %s: %w", sock, startTimeout, err)
		}
	}
}

// add gives the agent the key of each file, as ssh-add would.
func add(t testing.TB, ag agent.Agent, keyFiles []string) {
	t.Helper()

	for _, path := range keyFiles {
		pemBytes, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("reading a key for ssh-agent: %v", err)
		}
		priv, err := ssh.ParseRawPrivateKey(pemBytes)
		if err != nil {
			t.Fatalf("parsing %s for ssh-agent: %v", path, err)
		}
		if err := ag.Add(agent.AddedKey{PrivateKey: priv, Comment: "gordon-testbed"}); err != nil {
			t.Fatalf("adding %s to ssh-agent: %v", path, err)
		}
	}
}
