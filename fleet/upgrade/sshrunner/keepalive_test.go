package sshrunner

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// freezer forwards one connection to a server until frozen; from then on
// it passes nothing either way and closes nothing, as a node that lost
// power or its network.
type freezer struct {
	ln     net.Listener
	to     string
	frozen chan struct{}
	once   sync.Once
}

func startFreezer(t *testing.T, to string) *freezer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{ln: ln, to: to, frozen: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go f.serve(t)
	return f
}

func (f *freezer) serve(t *testing.T) {
	conn, err := f.ln.Accept()
	if err != nil {
		return
	}
	up, err := net.Dial("tcp", f.to)
	if err != nil {
		conn.Close()
		return
	}
	t.Cleanup(func() { conn.Close(); up.Close() })
	go f.pipe(up, conn)
	go f.pipe(conn, up)
}

// pipe copies src to dst until frozen.
func (f *freezer) pipe(dst io.Writer, src io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		select {
		case <-f.frozen:
			return
		default:
		}
		if err != nil {
			return
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

func (f *freezer) freeze() { f.once.Do(func() { close(f.frozen) }) }

func TestRunGivesUpOnASilentNode(t *testing.T) {
	n := startNode(t)
	f := startFreezer(t, n.sshd.Addr)
	n.cfg.Host = f.ln.Addr().String()
	n.cfg.KnownHosts = knownHostsFor(t, "[127.0.0.1]:"+portOf(f.ln), n.sshd.HostKey)
	n.cfg.Argv = []string{n.script(t, "upgrade-docker", "echo started; sleep 30\n")}
	r := newRunner(t, n.cfg)
	r.keepalive, r.misses = 100*time.Millisecond, 3

	time.AfterFunc(500*time.Millisecond, f.freeze)
	started := time.Now()
	_, err := r.Run(context.Background(), n.target)
	var run *RunError
	if !errors.As(err, &run) || !run.Lost || run.TimedOut {
		t.Fatalf("Run = %v, want a RunError for a lost connection", err)
	}
	if took := time.Since(started); took > 5*time.Second {
		t.Fatalf("Run took %s to give up on a silent node", took)
	}
}

func portOf(ln net.Listener) string {
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
