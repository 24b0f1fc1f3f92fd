package sshrunner

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/outtail"
	"github.com/gordonbot/gordon/internal/testbed"
)

// node is a real sshd on loopback playing a fleet node, and a runner
// configuration that reaches it.
type node struct {
	sshd   *testbed.SSHD
	target upgrade.Target
	cfg    Config
	dir    string // where the test's "remote" scripts are
}

// startNode starts sshd and returns a configuration that logs in to it
// with the generated client key, checking its host key.
func startNode(t *testing.T) *node {
	t.Helper()

	s := testbed.StartSSHD(t)
	_, port, _ := net.SplitHostPort(s.Addr)
	p, _ := strconv.Atoi(port)
	return &node{
		sshd:   s,
		target: upgrade.Target{Node: "dm-3", Address: "127.0.0.1", Version: "24.0.1-rc1"},
		cfg: Config{
			User:       s.User,
			Port:       p,
			KnownHosts: s.KnownHosts(t, s.HostKey),
			KeyFile:    s.ClientKeyFile,
		},
		dir: t.TempDir(),
	}
}

// script writes an executable shell script named name for the node to
// run, and returns its path.
func (n *node) script(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(n.dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func newRunner(t *testing.T, cfg Config) *Runner {
	t.Helper()
	r, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func TestRunKeepsTheOutputTail(t *testing.T) {
	n := startNode(t)
	prog := n.script(t, "upgrade-docker", `
i=0
while [ $i -lt 2000 ]; do echo "apt: unpacking part $i"; i=$((i+1)); done
echo "upgraded $1 to $2 as $(id -un)" >&2
`)
	n.cfg.Argv = []string{prog, "{{.Node}}", "{{.Version}}"}
	r := newRunner(t, n.cfg)

	res, err := r.Run(context.Background(), n.target)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.HasSuffix(res.Output, "upgraded dm-3 to 24.0.1-rc1 as "+n.sshd.User) {
		t.Fatalf("output ends %q", res.Output[max(0, len(res.Output)-80):])
	}
	if len(res.Output) > outtail.Max || strings.Contains(res.Output, "part 0\n") || res.Took <= 0 {
		t.Fatalf("kept %d bytes (at most %d, the end only), took %s", len(res.Output), outtail.Max, res.Took)
	}
}

func TestRunQuotesEveryValue(t *testing.T) {
	n := startNode(t)
	pwned := filepath.Join(n.dir, "pwned")
	prog := n.script(t, "upgrade-docker", `printf '%s\n' "$#" "$@"`)
	n.cfg.Argv = []string{prog, "{{.Version}}", "{{.URL}}", "on {{.Node}}", "$(touch " + pwned + ")"}
	r := newRunner(t, n.cfg)

	target := n.target
	target.Version = "24.0.1; touch " + pwned
	target.URL = "https://example.org/b?x=1&y=`touch " + pwned + "`'$(touch " + pwned + ")'"
	target.Node = "dm-3|touch " + pwned
	res, err := r.Run(context.Background(), target)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	want := strings.Join([]string{"4", target.Version, target.URL, "on " + target.Node, "$(touch " + pwned + ")"}, "\n")
	if res.Output != want {
		t.Fatalf("the program saw\n%s\nwant\n%s", res.Output, want)
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("the node's shell ran part of a value")
	}
}

func TestRunRefusesAHostKeyNotInKnownHosts(t *testing.T) {
	n := startNode(t)
	ran := filepath.Join(n.dir, "ran")
	n.cfg.Argv = []string{"touch", ran}
	other := testbed.NewSSHKey(t, filepath.Join(t.TempDir(), "other")).PublicKey()

	tests := []struct {
		name  string
		known string
		kind  error
		text  string
	}{
		{"changed key", n.sshd.KnownHosts(t, other), ErrHostKeyMismatch, "does not match"},
		{"unknown host", knownHostsFor(t, "[127.0.0.2]:22", n.sshd.HostKey), ErrHostKeyUnknown, "is not in"},
		{"revoked key", revoked(t, n.sshd.HostKey), ErrHostKeyRevoked, "is revoked in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := n.cfg
			cfg.KnownHosts = tt.known
			_, err := newRunner(t, cfg).Run(context.Background(), n.target)

			var hk *HostKeyError
			if !errors.Is(err, tt.kind) || !errors.As(err, &hk) {
				t.Fatalf("Run = %v, want a HostKeyError of kind %v", err, tt.kind)
			}
			fp := ssh.FingerprintSHA256(n.sshd.HostKey)
			if hk.Fingerprint != fp || !strings.Contains(err.Error(), tt.text) || !strings.Contains(err.Error(), fp) {
				t.Fatalf("error %q, want it to say %q and the fingerprint %s", err, tt.text, fp)
			}
			if _, err := os.Stat(ran); err == nil {
				t.Fatal("the command ran on a node whose host key was refused")
			}
		})
	}
}

// knownHostsFor writes a known_hosts file naming addr with key.
func knownHostsFor(t *testing.T, addr string, key ssh.PublicKey) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "known_hosts")
	line := addr + " " + string(ssh.MarshalAuthorizedKey(key))
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// revoked writes a known_hosts file that revokes key.
func revoked(t *testing.T, key ssh.PublicKey) string {
	return knownHostsFor(t, "@revoked *", key)
}

func TestRunFailure(t *testing.T) {
	n := startNode(t)
	prog := n.script(t, "upgrade-docker", `
echo "apt: unpacking"
echo "E: no space left on device" >&2
exit 3
`)
	n.cfg.Argv = []string{prog, "{{.Version}}"}

	res, err := newRunner(t, n.cfg).Run(context.Background(), n.target)
	var run *RunError
	if !errors.As(err, &run) || run.Code != 3 || run.TimedOut || run.Lost {
		t.Fatalf("Run = %v, want a RunError with status 3", err)
	}
	if err.Error() != "upgrade-docker on dm-3 exited with status 3: E: no space left on device" {
		t.Fatalf("error text %q", err.Error())
	}
	if res.Output != "apt: unpacking\nE: no space left on device" || run.Tail != res.Output {
		t.Fatalf("output %q, tail %q", res.Output, run.Tail)
	}
}

func TestRunTimeoutKillsTheRemoteCommand(t *testing.T) {
	n := startNode(t)
	pidFile := filepath.Join(n.dir, "child.pid")
	prog := n.script(t, "upgrade-docker", `
sleep 60 &
echo $! > `+pidFile+`
echo "waiting for the package manager"
wait
`)
	n.cfg.Argv = []string{prog}
	n.cfg.Timeout = config.Duration(time.Second)

	started := time.Now()
	_, err := newRunner(t, n.cfg).Run(context.Background(), n.target)
	took := time.Since(started)
	var run *RunError
	if !errors.As(err, &run) || !run.TimedOut {
		t.Fatalf("Run = %v, want a RunError that timed out", err)
	}
	if took > 3*time.Second {
		t.Fatalf("Run took %s to give up at a limit of 1s", took)
	}
	want := "upgrade-docker on dm-3 timed out after 1s and was killed: waiting for the package manager"
	if err.Error() != want {
		t.Fatalf("error text %q, want %q", err.Error(), want)
	}

	// The command's child, in its process group, died with it.
	pid, _ := os.ReadFile(pidFile)
	deadline := time.Now().Add(3 * time.Second)
	for alive(strings.TrimSpace(string(pid))) {
		if time.Now().After(deadline) {
			t.Fatalf("the remote command's child %s outlived the time limit", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alive reports whether process pid runs (and is not a zombie).
func alive(pid string) bool {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat))
	return len(fields) > 2 && fields[2] != "Z"
}

func TestRunStopsWithItsContext(t *testing.T) {
	n := startNode(t)
	n.cfg.Argv = []string{n.script(t, "upgrade-docker", "sleep 30\n")}
	r := newRunner(t, n.cfg)

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := r.Run(ctx, n.target)
	var run *RunError
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &run) {
		t.Fatalf("Run = %v, want the caller's context error", err)
	}
}

func TestRunWithTheAgent(t *testing.T) {
	n := startNode(t)
	n.cfg.KeyFile = ""
	n.cfg.Agent = true
	n.cfg.AgentSocket = testbed.StartSSHAgent(t, n.sshd.ClientKeyFile)
	n.cfg.Argv = []string{"echo", "hello", "{{.Node}}"}

	res, err := newRunner(t, n.cfg).Run(context.Background(), n.target)
	if err != nil || res.Output != "hello dm-3" {
		t.Fatalf("Run = %q, %v", res.Output, err)
	}
}

func TestRunWithAnEncryptedKey(t *testing.T) {
	n := startNode(t)
	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	pub := encryptedKey(t, keyFile, "correct horse")
	n.sshd.Authorize(t, pub)
	n.cfg.KeyFile = keyFile
	n.cfg.Argv = []string{"true"}

	cfg := n.cfg
	if _, err := New(cfg, nil); err == nil || !strings.Contains(err.Error(), "give its passphrase as key_password") {
		t.Fatalf("New without the passphrase = %v", err)
	}
	cfg.KeyPassword = "wrong"
	if _, err := New(cfg, nil); err == nil {
		t.Fatal("New took a wrong passphrase")
	}
	cfg.KeyPassword = "correct horse"
	if _, err := newRunner(t, cfg).Run(context.Background(), n.target); err != nil {
		t.Fatalf("Run with the encrypted key: %v", err)
	}
}

func TestProbe(t *testing.T) {
	n := startNode(t)
	n.cfg.Argv = []string{"true"}
	n.cfg.Probe = []string{n.script(t, "docker-version", `echo "Docker version 24.0.1-rc1, build $1"`+"\n"), "{{.Node}}"}
	r := newRunner(t, n.cfg)

	got, err := r.Probe(context.Background(), n.target)
	if err != nil || got != "Docker version 24.0.1-rc1, build dm-3" || !r.HasProbe() {
		t.Fatalf("Probe = %q, %v", got, err)
	}

	n.cfg.Probe = nil
	bare := newRunner(t, n.cfg)
	if _, err := bare.Probe(context.Background(), n.target); !errors.Is(err, ErrNoProbe) || bare.HasProbe() {
		t.Fatalf("Probe without a probe = %v, want ErrNoProbe", err)
	}
}

func TestMaint(t *testing.T) {
	n := startNode(t)
	calls := filepath.Join(n.dir, "calls")
	n.cfg.Argv = []string{"true"}
	n.cfg.Consul = n.script(t, "consul", `printf '%s|' "$@" >> `+calls+`; echo >> `+calls+`
[ "$2" != -disable ] || { echo "Error: connection refused" >&2; exit 1; }
`)
	r := newRunner(t, n.cfg)

	if err := r.Maint(context.Background(), n.target, true, "upgrade to 24.0.1;\nreboot by alice"); err != nil {
		t.Fatalf("Maint on: %v", err)
	}
	err := r.Maint(context.Background(), n.target, false, "")
	var run *RunError
	if !errors.As(err, &run) || run.Code != 1 || !strings.Contains(err.Error(), "consul maint on dm-3 exited with status 1: Error: connection refused") {
		t.Fatalf("Maint off = %v, want the node's consul's failure", err)
	}

	got, _ := os.ReadFile(calls)
	want := "maint|-enable|-reason|upgrade to 24.0.1; reboot by alice|\nmaint|-disable|\n"
	if string(got) != want {
		t.Fatalf("consul on the node got\n%q\nwant\n%q", got, want)
	}
}

func TestRefusedTargets(t *testing.T) {
	n := startNode(t)
	n.cfg.Argv = []string{"true", "{{.Node}}"}
	r := newRunner(t, n.cfg)

	for _, tg := range []upgrade.Target{
		{Node: "-rf", Address: "127.0.0.1", Version: "1.0.0"},
		{Node: "dm-1", Address: "127.0.0.1", Version: "1.0.0\nreboot"},
		{Node: "dm-1", Version: "1.0.0"},
	} {
		if _, err := r.Run(context.Background(), tg); err == nil {
			t.Fatalf("Run(%+v) ran", tg)
		}
	}
}

func TestIgnoringHostKeysIsLoud(t *testing.T) {
	n := startNode(t)
	n.cfg.KnownHosts, n.cfg.InsecureIgnoreHostKey = "", true
	n.cfg.Argv = []string{"echo", "lab"}

	var logged strings.Builder
	r, err := New(n.cfg, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if !strings.Contains(logged.String(), "level=WARN") || !strings.Contains(logged.String(), "insecure_ignore_host_key") {
		t.Fatalf("no warning at start; logged %q", logged.String())
	}
	if res, err := r.Run(context.Background(), n.target); err != nil || res.Output != "lab" {
		t.Fatalf("Run = %q, %v", res.Output, err)
	}
}
