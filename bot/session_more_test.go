package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/internal/testbed"
)

func TestSessionTLS(t *testing.T) {
	cert := testbed.NewCert(t)
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true, TLS: cert})
	testbed.WaitListening(t.Context(), srv.TLSAddr)

	t.Run("trusted CA", func(t *testing.T) {
		g := startGordon(t, ircConfig(t, srv.TLSAddr, func(c *bot.Config) {
			c.TLS, c.TLSCA = true, cert.CAFile
		}), commands.Config{})
		g.waitReady(t)
	})

	t.Run("unknown CA is refused", func(t *testing.T) {
		g := startGordon(t, ircConfig(t, srv.TLSAddr, func(c *bot.Config) { c.TLS = true }), commands.Config{})
		time.Sleep(1500 * time.Millisecond)
		if ok, why := g.session.Ready(); ok || why == "" {
			t.Fatalf("gordon connected to a server it cannot verify (ready %v, %q)", ok, why)
		}
	})
}

func TestSessionChannelKey(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	op := testbed.Dial(t, srv.Addr, "op")
	op.Join(t, "#fleet")
	op.Raw("MODE #fleet +k sesame")

	g := startGordon(t, ircConfig(t, srv.Addr, func(c *bot.Config) {
		c.ChannelKeys = map[string]string{"#fleet": "sesame"}
	}), commands.Config{})
	g.waitReady(t)
}

func TestSessionRejoinsAfterKick(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	op := testbed.Dial(t, srv.Addr, "op")
	op.Join(t, "#fleet")

	g := startGordon(t, ircConfig(t, srv.Addr, nil), commands.Config{})
	g.waitReady(t)
	op.Raw("KICK #fleet gordon :testing")
	waitNotReady(t, g)

	g.waitReady(t) // back after the rejoin delay
	op.Say("#fleet", "!version")
	got := op.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool { return strings.HasPrefix(s, "gordon ") }, 10*time.Second)
	if got == "" {
		t.Fatal("no answer after the rejoin")
	}
}
