package testbed

import (
	"testing"
	"time"
)

// Quit leaves the server with a QUIT and waits until the connection has
// ended, so its nick is free when Quit returns.
func (c *Client) Quit(t testing.TB) {
	t.Helper()
	c.irc.Quit("leaving")

	select {
	case <-c.done:
	case <-time.After(closeTimeout):
		t.Fatalf("client %s still connected %s after QUIT", c.irc.Config.Nick, closeTimeout)
	}
}

// Raw sends one raw IRC line, such as "KICK #fleet gordon :out" or
// "MODE #fleet +k secret".
func (c *Client) Raw(line string) {
	c.irc.Cmd.SendRaw(line)
}

// WaitLine returns the first line received, among the last ones kept,
// that satisfies match, such as a numeric answering a WHOIS sent with Raw.
// Lines are in girc's printed form: ":prefix COMMAND params :trailing".
// It fails the test when none arrives within timeout.
func (c *Client) WaitLine(t testing.TB, match func(line string) bool, timeout time.Duration) string {
	t.Helper()

	var found string
	c.waitFor(t, c.Nick()+" waiting for a line", timeout, func() bool {
		for _, line := range c.traffic {
			if match(line) {
				found = line
				return true
			}
		}
		return false
	})
	return found
}

// Seen reports whether a line received, among the last ones kept,
// satisfies match; it does not wait.
func (c *Client) Seen(match func(line string) bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()

	for _, line := range c.traffic {
		if match(line) {
			return true
		}
	}
	return false
}
