package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/internal/testbed"
)

// TestSessionNoticesASilentServer freezes ngircd: its socket stays open
// but it answers nothing. gordon pings, gives up after the timeout, and
// is back once the server runs again.
func TestSessionNoticesASilentServer(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	g := startGordon(t, ircConfig(t, srv.Addr, func(c *bot.Config) {
		c.PingInterval = config.Duration(300 * time.Millisecond)
		c.PingTimeout = config.Duration(300 * time.Millisecond)
	}), commands.Config{})
	g.waitReady(t)

	srv.Pause(t)
	paused := time.Now()
	waitNotReady(t, g)
	t.Logf("silence noticed after %s", time.Since(paused).Round(time.Millisecond))
	if n := counter(t, g, "gordon_irc_ping_timeouts_total"); n < 1 {
		t.Fatalf("ping timeouts metric = %v", n)
	}

	srv.Resume(t)
	g.waitReady(t)
	alice := testbed.Dial(t, srv.Addr, "alice")
	alice.Join(t, "#fleet")
	alice.Say("#fleet", "!version")
	alice.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.HasPrefix(s, "gordon test") }, 10*time.Second)
}

// TestSessionQuietChannelIsNotSilence: a quiet but live server answers
// gordon's pings, so gordon stays connected.
func TestSessionQuietChannelIsNotSilence(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	g := startGordon(t, ircConfig(t, srv.Addr, func(c *bot.Config) {
		c.PingInterval = config.Duration(200 * time.Millisecond)
		c.PingTimeout = config.Duration(300 * time.Millisecond)
	}), commands.Config{})
	g.waitReady(t)

	time.Sleep(2 * time.Second) // ten intervals without a word from anyone
	if ok, why := g.session.Ready(); !ok {
		t.Fatalf("gordon dropped a live server: %s", why)
	}
	if n := counter(t, g, "gordon_irc_ping_timeouts_total"); n != 0 {
		t.Fatalf("ping timeouts on a live server: %v", n)
	}
	if n := counter(t, g, "gordon_irc_reconnects_total"); n != 0 {
		t.Fatalf("reconnects on a live server: %v", n)
	}
}
