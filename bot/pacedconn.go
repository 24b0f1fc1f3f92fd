package bot

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// pacedConn is the connection under girc. Every line on the wire, girc's
// own (PONG, WHO, MODE, JOIN) and gordon's, takes a slot of one bucket
// first, so the server sees one budget however the lines were made.
// Before the server welcomes gordon, registration lines pass unpaced: there
// are only a handful, and a slow registration would delay joining.
type pacedConn struct {
	net.Conn
	bucket *bucket

	ctx    context.Context // ends when the connection is closed
	cancel context.CancelFunc

	mu         sync.Mutex // one line at a time on the wire
	registered atomic.Bool
	lines      atomic.Int64 // lines written so far
	readAt     atomic.Int64 // when the server last sent anything, in Unix nanoseconds
}

func newPacedConn(conn net.Conn, b *bucket) *pacedConn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &pacedConn{Conn: conn, bucket: b, ctx: ctx, cancel: cancel}
	c.readAt.Store(time.Now().UnixNano())
	return c
}

// Read is girc's path in; it notes when the server last spoke.
func (c *pacedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.readAt.Store(time.Now().UnixNano())
	}
	return n, err
}

// lastRead returns when the server last sent anything.
func (c *pacedConn) lastRead() time.Time {
	return time.Unix(0, c.readAt.Load())
}

// Write is girc's path: it writes one or more whole lines, each after its
// slot.
func (c *pacedConn) Write(p []byte) (int, error) {
	n := bytes.Count(p, []byte("\n"))
	if err := c.pace(c.ctx, n); err != nil {
		return 0, fmt.Errorf("paced write: %w", net.ErrClosed)
	}
	return c.write(p, n)
}

// WriteLine is gordon's path: it waits for a slot, then writes line with
// CR LF. A nil error means the line went to the socket; on an error the
// line may or may not have reached the server, and must not be retried.
func (c *pacedConn) WriteLine(ctx context.Context, line string) error {
	if !c.registered.Load() {
		return fmt.Errorf("%w: not registered yet", errNotWritten)
	}
	if err := c.pace(ctx, 1); err != nil {
		return fmt.Errorf("%w: %w", errNotWritten, err)
	}

	n, err := c.write([]byte(line+"\r\n"), 1)
	if err != nil && n == 0 {
		return fmt.Errorf("%w: %w", errNotWritten, err)
	}
	return err
}

func (c *pacedConn) pace(ctx context.Context, lines int) error {
	if !c.registered.Load() {
		return c.ctx.Err()
	}
	for range lines {
		if err := c.bucket.wait(ctx); err != nil {
			return err
		}
		if err := c.ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (c *pacedConn) write(p []byte, lines int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.Conn.Write(p)
	c.lines.Add(int64(lines))
	return n, err
}

// welcomed starts pacing, with a full bucket.
func (c *pacedConn) welcomed() {
	c.bucket.refill()
	c.registered.Store(true)
}

// Close ends every wait and closes the socket.
func (c *pacedConn) Close() error {
	c.cancel()
	return c.Conn.Close()
}
