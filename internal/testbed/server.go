package testbed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

const (
	// startTimeout bounds the wait for a new server to accept connections.
	startTimeout = 10 * time.Second

	// stopGrace is how long a server has to exit after SIGTERM before it
	// is killed.
	stopGrace = 5 * time.Second

	// outputFile receives the server's standard output and error, across
	// restarts.
	outputFile = "output.log"

	// maxShown is how much of the end of each log a failed test shows.
	maxShown = 32 << 10
)

// IRCServer is an IRC server process on 127.0.0.1, owned by one test.
// StartNgircd and StartInspircd return one.
type IRCServer struct {
	// Addr is the host:port clients dial.
	Addr string

	// TLSAddr is the host:port of the TLS port, when the server has one.
	TLSAddr string

	// Dir is the server's own directory: its config, output and logs.
	Dir string

	name string   // the server's name in messages, such as "ngircd"
	port int      // the port of Addr
	argv []string // the command line, program first
	logs []string // files shown when the test fails

	// ready, when set, waits after each start, once the server listens,
	// for what listening does not show, such as a link to services.
	ready func(t testing.TB)

	mu   sync.Mutex
	proc *process // nil while stopped
}

// process is one run of a server.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has been waited for
	err    error         // the result of Wait, set before exited is closed
}

// newIRCServer prepares an IRCServer for the named server in a new
// temporary directory, on a free port.
func newIRCServer(t testing.TB, name string) *IRCServer {
	t.Helper()

	dir := t.TempDir()
	port := FreePort(t)
	return &IRCServer{
		Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Dir:  dir,
		name: name,
		port: port,
		logs: []string{filepath.Join(dir, outputFile)},
	}
}

// run starts the server for the first time and registers its cleanup:
// stop the server, then show its logs if the test failed.
func (s *IRCServer) run(t testing.TB) {
	t.Helper()

	t.Cleanup(func() { s.showLogs(t) })
	t.Cleanup(s.Stop)

	s.start(t)
}

// Stop kills the server and waits until it has exited: SIGTERM first, then
// SIGKILL if it is still running after a grace period. Stop does nothing
// when the server is not running, so it is safe to call more than once.
func (s *IRCServer) Stop() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()

	if p != nil {
		p.stop()
	}
}

// Restart stops the server and starts it again with the same config on
// the same port, returning once it accepts connections. Clients connected
// before are disconnected.
func (s *IRCServer) Restart(t testing.TB) {
	t.Helper()

	s.Stop()
	s.start(t)
}

// start launches the server and waits until it listens.
func (s *IRCServer) start(t testing.TB) {
	t.Helper()

	p, err := s.launch()
	if err != nil {
		t.Fatalf("starting %s: %v", s.name, err)
	}

	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()

	if err := s.waitReady(p); err != nil {
		t.Fatalf("starting %s: %v", s.name, err)
	}

	if s.ready != nil {
		s.ready(t)
	}
}

// launch starts the server process with its output appended to the
// output file.
func (s *IRCServer) launch() (*process, error) {
	return startProcess(s.Dir, s.argv)
}

// startProcess runs argv in dir with its standard output and error
// appended to the output file there, and reaps it when it exits.
func startProcess(dir string, argv []string) (*process, error) {
	path := filepath.Join(dir, outputFile)
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening output file: %w", err)
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

// waitReady waits until the server accepts connections, and fails early
// when the process exits first.
func (s *IRCServer) waitReady(p *process) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()

	go func() {
		select {
		case <-p.exited:
			cancel()
		case <-ctx.Done():
		}
	}()

	err := WaitListening(ctx, s.Addr)
	select {
	case <-p.exited:
		return fmt.Errorf("exited before listening on %s: %w", s.Addr, p.exitError())
	default:
		return err
	}
}

// showLogs shows the end of each of the server's logs when the test failed.
func (s *IRCServer) showLogs(t testing.TB) {
	if !t.Failed() {
		return
	}

	for _, path := range s.logs {
		t.Logf("%s %s:\n%s", s.name, filepath.Base(path), readTail(path, maxShown))
	}
}

// wait reaps the process and records how it ended.
func (p *process) wait() {
	p.err = p.cmd.Wait()
	close(p.exited)
}

// stop asks the process to exit, kills it after stopGrace, and waits.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)

	select {
	case <-p.exited:
		return
	case <-time.After(stopGrace):
	}

	_ = p.cmd.Process.Kill()
	<-p.exited
}

// exitError describes how an exited process ended; call it only once
// exited is closed.
func (p *process) exitError() error {
	if p.err == nil {
		return errors.New("exit status 0")
	}
	return p.err
}

// readTail returns at most the last max bytes of the file at path, or a
// note saying why it could not be read.
func readTail(path string, max int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(unreadable: %v)", err)
	}

	if len(data) > max {
		data = data[len(data)-max:]
	}
	return string(data)
}

// findBinary returns the path of the named program, looking in PATH and
// then in /usr/sbin, where Debian installs the servers and which is often
// missing from a normal user's PATH.
func findBinary(name string) (string, error) {
	path, err := exec.LookPath(name)
	if err == nil {
		return path, nil
	}

	sbin := filepath.Join("/usr/sbin", name)
	if _, statErr := os.Stat(sbin); statErr == nil {
		return sbin, nil
	}
	return "", fmt.Errorf("finding %s: %w", name, err)
}

// requireBinary returns the path of the named program, or fails the test
// saying which Debian package provides it.
func requireBinary(t testing.TB, name, pkg string) string {
	t.Helper()

	path, err := findBinary(name)
	if err != nil {
		t.Fatalf("%s not found: install it with apt-get install -y %s (.ci/run does)", name, pkg)
	}
	return path
}

// writeConfig renders a config template into the server's directory, in
// a file named after the template, and returns the file's path.
func (s *IRCServer) writeConfig(t testing.TB, tmpl *template.Template, params any) string {
	t.Helper()

	return writeTemplate(t, s.Dir, tmpl, params)
}

// writeTemplate renders a config template into dir, in a file named after
// the template, and returns the file's path.
func writeTemplate(t testing.TB, dir string, tmpl *template.Template, params any) string {
	t.Helper()

	var b strings.Builder
	if err := tmpl.Execute(&b, params); err != nil {
		t.Fatalf("rendering %s: %v", tmpl.Name(), err)
	}

	path := filepath.Join(dir, tmpl.Name())
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatalf("writing %s: %v", tmpl.Name(), err)
	}
	return path
}

// Pause freezes the server (SIGSTOP): its sockets stay open and accept
// connections, but it answers nothing, as a hung server does, until
// Resume.
func (s *IRCServer) Pause(t testing.TB) {
	t.Helper()
	s.signal(t, syscall.SIGSTOP)
}

// Resume lets a paused server run again (SIGCONT).
func (s *IRCServer) Resume(t testing.TB) {
	t.Helper()
	s.signal(t, syscall.SIGCONT)
}

func (s *IRCServer) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		t.Fatalf("%s is not running", s.name)
	}
	if err := s.proc.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signalling %s: %v", s.name, err)
	}
	if sig == syscall.SIGSTOP {
		if err := waitStopped(s.proc.cmd.Process.Pid); err != nil {
			t.Fatalf("pausing %s: %v", s.name, err)
		}
	}
}
