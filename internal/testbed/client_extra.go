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
