package testbed

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

// dialRetry is how long WaitListening waits between two refused dials.
const dialRetry = 20 * time.Millisecond

// maxPortTries bounds how many ports FreePort asks the kernel for before
// it gives up finding one it has not returned before.
const maxPortTries = 100

// handedOut holds every port FreePort has returned in this process. The
// kernel can offer a released port again at once, and with parallel tests
// that would give two servers of one test binary the same port before
// either has bound it: the second fails to listen, and its clients reach
// the first.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: make(map[int]bool)}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago and
// that FreePort has not returned before in this process. The port is
// released before FreePort returns, so another process could take it
// before the caller binds it; on loopback that is rare enough for tests.
func FreePort(t testing.TB) int {
	t.Helper()

	handedOut.Lock()
	defer handedOut.Unlock()

	// Listeners for ports returned before stay open until a new port is
	// found, so that the kernel does not offer them again meanwhile.
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()

	for range maxPortTries {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("finding a free port: %v", err)
		}

		port := l.Addr().(*net.TCPAddr).Port
		if handedOut.ports[port] {
			held = append(held, l)
			continue
		}

		if err := l.Close(); err != nil {
			t.Fatalf("releasing port %d: %v", port, err)
		}
		handedOut.ports[port] = true
		return port
	}

	t.Fatalf("finding a free port: %d tries gave only ports returned before", maxPortTries)
	return 0
}

// WaitListening dials addr over TCP until a connection is accepted, then
// closes that connection. It returns an error wrapping ctx's error, and the
// last dial error, when ctx ends first.
func WaitListening(ctx context.Context, addr string) error {
	var dialer net.Dialer
	for {
		conn, err := dialer.DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s to listen: %w: %w", addr, ctx.Err(), err)
		case <-time.After(dialRetry):
		}
	}
}
