package testbed

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"
)

// dialRetry is how long WaitListening waits between two refused dials.
const dialRetry = 20 * time.Millisecond

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
// The port is released before FreePort returns, so another process could
// take it before the caller binds it; on loopback that is rare enough for
// tests.
func FreePort(t testing.TB) int {
	t.Helper()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}

	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatalf("releasing port %d: %v", port, err)
	}
	return port
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
