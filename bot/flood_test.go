package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/internal/testbed"
)

// TestSessionStrictFloodLimit runs gordon with its default flood budget
// against InspIRCd configured to disconnect a client that sends more than
// about eight lines at once. Thirty lines queued at once must all arrive,
// in order, once each, and gordon must never be disconnected.
func TestSessionStrictFloodLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about a minute at the default pace")
	}
	srv := testbed.StartInspircd(t, testbed.InspircdOptions{})
	cfg := ircConfig(t, srv.Addr, func(c *bot.Config) {
		c.FloodBurst, c.FloodInterval = 0, 0
		c.Defaults() // the shipped budget: a burst of 4, then one line every 2s
	})
	g := startGordon(t, cfg, commands.Config{}, lines(30))
	g.waitReady(t)

	erin := testbed.Dial(t, srv.Addr, "erin")
	erin.Say("gordon", "lines")
	erin.WaitPrivmsg(t, "gordon", "erin", func(s string) bool { return s == "line 30" }, 3*time.Minute)

	var got []string
	for _, m := range erin.Messages() {
		if m.From == "gordon" {
			got = append(got, m.Text)
		}
	}
	var want []string
	for i := range 30 {
		want = append(want, fmt.Sprintf("line %d", i+1))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %q", got)
	}
	if ok, why := g.session.Ready(); !ok {
		t.Fatalf("gordon is no longer ready: %s", why)
	}
	if n := counter(t, g, "gordon_irc_reconnects_total"); n != 0 {
		t.Fatalf("gordon reconnected %v times: it was disconnected for flooding", n)
	}
}
