package sshrunner

import (
	"context"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// keepaliveEvery is how often a node is asked whether it is still there
// while its command runs; keepaliveMisses is how many such intervals it
// may stay silent before gordon gives up on it. A node that lost power or
// its network would otherwise hold the run until its time limit.
const (
	keepaliveEvery  = 15 * time.Second
	keepaliveMisses = 3
)

// keepaliveRequest is OpenSSH's name for a request whose only purpose is
// an answer; sshd answers it with a failure, which is an answer.
const keepaliveRequest = "keepalive@openssh.com"

// keepAlive asks c for an answer every interval until ctx ends, and
// closes c when none comes for misses intervals. The returned flag is set
// when it closed c.
func keepAlive(ctx context.Context, c *ssh.Client, every time.Duration, misses int) *atomic.Bool {
	lost := new(atomic.Bool)
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if !answers(ctx, c, every*time.Duration(misses)) {
				lost.Store(ctx.Err() == nil)
				c.Close()
				return
			}
		}
	}()
	return lost
}

// answers reports whether c answers a keepalive within wait.
func answers(ctx context.Context, c *ssh.Client, wait time.Duration) bool {
	answered := make(chan error, 1)
	go func() {
		_, _, err := c.SendRequest(keepaliveRequest, true, nil)
		answered <- err
	}()

	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case err := <-answered:
		return err == nil
	case <-timer.C:
		return false
	case <-ctx.Done():
		return true
	}
}
