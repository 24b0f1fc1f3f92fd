package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/internal/testbed"
)

// act is a maintainers' command that names who ran it.
func act() commands.Command {
	return commands.Command{Name: "act", Summary: "a maintainers' action", Role: commands.RoleMaintainer,
		Run: func(ctx context.Context, req *commands.Request) error {
			req.Reply("acted for %s", req.Caller.Name)
			return nil
		}}
}

// nextFromGordon returns the text of the PRIVMSG from gordon to #fleet that
// c received after the first skip ones, waiting for it.
func nextFromGordon(t *testing.T, c *testbed.Client, skip int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var seen []string
		for _, m := range c.Messages() {
			if strings.EqualFold(m.From, "gordon") && m.Target == "#fleet" {
				seen = append(seen, m.Text)
			}
		}
		if len(seen) > skip {
			return seen[skip]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: no answer from gordon after %d", c.Nick(), skip)
	return ""
}

// stepPause keeps a test client inside InspIRCd's flood budget.
const stepPause = 2 * time.Second

// TestIdentityWithServices runs gordon on InspIRCd linked to Atheme: gordon
// logs in to its own account with SASL, and maintainers are known by
// account alone.
func TestIdentityWithServices(t *testing.T) {
	srv := testbed.StartInspircd(t, testbed.InspircdOptions{Services: true})
	testbed.RegisterAccount(t, srv.Addr, "gordon", "botpass")
	testbed.RegisterAccount(t, srv.Addr, "alice", "sesame")
	testbed.RegisterAccount(t, srv.Addr, "bob", "hunter2")

	cfg := ircConfig(t, srv.Addr, func(c *bot.Config) {
		c.SASLUser = "gordon"
		c.SASLPassword = "botpass"
	})
	maintainers := []commands.Maintainer{{Name: "Alice Liddell", Accounts: []string{"alice"}, Hostmasks: []string{"*!*@*"}}}
	g := startGordonFor(t, cfg, commands.Config{}, maintainers, act())
	g.waitReady(t)

	// gordon's own login, as any user sees it: WHOIS says the account
	// (RPL_WHOISACCOUNT, 330).
	watcher := testbed.Dial(t, srv.Addr, "watcher")
	watcher.Join(t, "#fleet")
	watcher.Raw("WHOIS gordon")
	watcher.WaitLine(t, func(l string) bool { return strings.Contains(l, " 330 ") && strings.Contains(l, " gordon gordon ") }, 10*time.Second)

	// InspIRCd here allows one command a second after a burst of ten,
	// and disconnects beyond: each step waits for the client's budget.
	heard := 0
	next := func() string {
		t.Helper()
		s := nextFromGordon(t, watcher, heard)
		heard++
		time.Sleep(stepPause)
		return s
	}

	// Logged in with SASL: obeyed, and whoami says how gordon knows.
	alice := testbed.DialSASL(t, srv.Addr, "alice", "alice", "sesame")
	alice.Join(t, "#fleet")
	alice.Say("#fleet", "!whoami")
	if got := next(); !strings.Contains(got, "account alice") || !strings.Contains(got, "tracks accounts") ||
		!strings.Contains(got, "maintainer Alice Liddell") {
		t.Fatalf("whoami for alice with SASL: %q", got)
	}
	alice.Say("#fleet", "!act")
	if got := next(); got != "acted for Alice Liddell" {
		t.Fatalf("act by alice with SASL: %q", got)
	}

	// A nick change keeps the account.
	alice.Raw("NICK alice_away")
	time.Sleep(stepPause)
	alice.Say("#fleet", "!act")
	if got := next(); got != "acted for Alice Liddell" {
		t.Fatalf("act by alice after a nick change: %q", got)
	}
	alice.Raw("NICK alice")
	time.Sleep(stepPause)

	// Logging out takes the rights away at once, though the hostmask
	// would match: on a server that tracks accounts it does not count.
	alice.Logout(t)
	alice.Say("#fleet", "!act")
	if got := next(); !strings.Contains(got, "not recognised") {
		t.Fatalf("act by alice logged out: %q", got)
	}

	// NickServ IDENTIFY after connecting is recognised.
	alice.Identify(t, "alice", "sesame")
	alice.Say("#fleet", "!act")
	if got := next(); got != "acted for Alice Liddell" {
		t.Fatalf("act by alice after IDENTIFY: %q", got)
	}

	// Another account is not a maintainer.
	bob := testbed.DialSASL(t, srv.Addr, "bob", "bob", "hunter2")
	bob.Join(t, "#fleet")
	bob.Say("#fleet", "!act")
	if got := next(); !strings.Contains(got, "bob: act is for maintainers") {
		t.Fatalf("act by bob: %q", got)
	}

	// Someone taking the maintainer's nick without the account is refused.
	alice.Quit(t)
	mallory := testbed.Dial(t, srv.Addr, "alice")
	mallory.Join(t, "#fleet")
	mallory.Say("#fleet", "!act")
	if got := next(); !strings.Contains(got, "not recognised") {
		t.Fatalf("act by a nick thief: %q", got)
	}
	mallory.Say("#fleet", "!whoami")
	if got := next(); !strings.Contains(got, "alice: no account") {
		t.Fatalf("whoami for a nick thief: %q", got)
	}
}

// TestIdentityByHostmaskWithoutAccounts: on ngircd, which tracks no
// accounts, hostmasks are what count.
func TestIdentityByHostmaskWithoutAccounts(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	maintainers := []commands.Maintainer{{Name: "Alice Liddell", Accounts: []string{"alice"}, Hostmasks: []string{"alice!*@*"}}}
	g := startGordonFor(t, ircConfig(t, srv.Addr, nil), commands.Config{}, maintainers, act())
	g.waitReady(t)

	alice := testbed.Dial(t, srv.Addr, "alice")
	alice.Join(t, "#fleet")
	eve := testbed.Dial(t, srv.Addr, "eve")
	eve.Join(t, "#fleet")

	alice.Say("#fleet", "!act")
	if got := nextFromGordon(t, eve, 0); got != "acted for Alice Liddell" {
		t.Fatalf("act by alice's hostmask: %q", got)
	}
	eve.Say("#fleet", "!act")
	if got := nextFromGordon(t, eve, 1); !strings.Contains(got, "eve: act is for maintainers") {
		t.Fatalf("act by eve: %q", got)
	}
	eve.Say("#fleet", "!whoami")
	if got := nextFromGordon(t, eve, 2); !strings.Contains(got, "hostmasks count") {
		t.Fatalf("whoami on ngircd: %q", got)
	}
}

// TestIdentifyWithNickServ: without SASL, gordon logs in to its account
// with NickServ IDENTIFY once welcomed.
func TestIdentifyWithNickServ(t *testing.T) {
	srv := testbed.StartInspircd(t, testbed.InspircdOptions{Services: true})
	testbed.RegisterAccount(t, srv.Addr, "gordon", "botpass")

	g := startGordon(t, ircConfig(t, srv.Addr, func(c *bot.Config) {
		c.NickServPassword = "botpass"
	}), commands.Config{})
	g.waitReady(t)

	// WHOIS until it names the account (RPL_WHOISACCOUNT, 330): services
	// take the IDENTIFY a moment after the welcome. One WHOIS a pause,
	// within the server's flood limits.
	watcher := testbed.Dial(t, srv.Addr, "watcher")
	loggedIn := func(l string) bool { return strings.Contains(l, " 330 ") && strings.Contains(l, " gordon gordon ") }
	for range 6 {
		watcher.Raw("WHOIS gordon")
		time.Sleep(stepPause)
		if watcher.Seen(loggedIn) {
			return
		}
	}
	t.Fatal("gordon never appeared logged in to its account after IDENTIFY")
}
