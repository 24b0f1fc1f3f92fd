package bot

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lrstanley/girc"

	"github.com/gordonbot/gordon/commands"
)

func TestAccountsTable(t *testing.T) {
	tests := []struct {
		name   string
		steps  func(a *accounts)
		nick   string
		want   string
		wantOK bool
	}{
		{"set", func(a *accounts) { a.set("Alice", "alice", viaExtendedJoin) }, "alice", "alice", true},
		{"star is logged out", func(a *accounts) {
			a.set("alice", "alice", viaExtendedJoin)
			a.set("alice", "*", viaAccountNotify)
		}, "alice", "", true},
		{"whox zero is logged out", func(a *accounts) {
			a.set("alice", "alice", viaExtendedJoin)
			a.set("alice", "0", viaWHOX)
		}, "alice", "", true},
		{"nick change keeps the account", func(a *accounts) {
			a.set("alice", "alice", viaExtendedJoin)
			a.rename("alice", "alice_away")
		}, "alice_away", "alice", true},
		{"old nick is free after a change", func(a *accounts) {
			a.set("alice", "alice", viaExtendedJoin)
			a.rename("alice", "alice_away")
		}, "alice", "", false},
		{"forgotten", func(a *accounts) {
			a.set("alice", "alice", viaExtendedJoin)
			a.forget("alice")
		}, "alice", "", false},
		{"rfc1459 case", func(a *accounts) { a.set("ali[ce]", "alice", viaWHOX) }, "ALI{CE}", "alice", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAccounts()
			tt.steps(a)
			k, ok := a.lookup(tt.nick)
			if ok != tt.wantOK || k.account != tt.want {
				t.Fatalf("lookup(%q) = %+v, %v; want %q, %v", tt.nick, k, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// mockServer plays an IRC server over a pipe for cases no real server
// produces. answer gets each line the client writes and returns the lines
// to send back.
func mockServer(t *testing.T, answer func(line string) []string) *girc.Client {
	t.Helper()
	server, client := net.Pipe()
	c := girc.New(girc.Config{Server: "mock", Port: 6667, Nick: "gordon", User: "gordon", AllowFlood: true})
	t.Cleanup(func() { c.Close(); server.Close() })

	go func() {
		r := bufio.NewReader(server)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			for _, out := range answer(strings.TrimRight(line, "\r\n")) {
				if _, err := io.WriteString(server, out+"\r\n"); err != nil {
					return
				}
			}
		}
	}()
	go c.MockConnect(client)
	return c
}

// accountServer grants account-notify and extended-join (no account-tag),
// offers WHOX, and answers gordon's WHOX queries with whoxAccount.
func accountServer(whoxAccount string) func(string) []string {
	return func(line string) []string {
		switch {
		case strings.HasPrefix(line, "CAP LS"):
			return []string{":mock CAP * LS :account-notify extended-join"}
		case strings.HasPrefix(line, "CAP REQ"):
			return []string{":mock CAP * ACK :" + strings.TrimPrefix(strings.SplitN(line, ":", 2)[1], "")}
		case strings.HasPrefix(line, "USER"):
			return []string{":mock 001 gordon :welcome", ":mock 005 gordon WHOX :are supported by this server"}
		case strings.HasPrefix(line, "WHO ") && strings.Contains(line, "%tna,"+whoxToken):
			nick := strings.Fields(line)[1]
			return []string{":mock 354 gordon " + whoxToken + " " + nick + " " + whoxAccount}
		}
		return nil
	}
}

func TestIdentifyThroughWHOX(t *testing.T) {
	tests := []struct {
		name, whox, wantAccount, wantVia string
	}{
		{"logged in", "alice", "alice", viaWHOX},
		{"zero means no account", "0", "", viaWHOX},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSession(Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
			c := mockServer(t, accountServer(tt.whox))
			s.trackAccounts(c)
			waitCap(t, c, "extended-join")

			e := girc.ParseEvent(":alice!a@example.org PRIVMSG gordon :whoami")
			id := commands.Identity{Nick: "alice"}
			s.identify(context.Background(), c, *e, &id)

			if !id.AccountsTracked || id.Account != tt.wantAccount || id.Via != tt.wantVia {
				t.Fatalf("identity %+v, want account %q via %s", id, tt.wantAccount, tt.wantVia)
			}
		})
	}
}

func TestIdentifyFollowsAccountNotify(t *testing.T) {
	s := NewSession(Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	c := mockServer(t, accountServer("0"))
	s.trackAccounts(c)
	waitCap(t, c, "account-notify")

	// Logged in when joining, then logged out: the logout counts at once,
	// without asking the server.
	c.RunHandlers(girc.ParseEvent(":alice!a@example.org JOIN #fleet alice :Alice"))
	who := func() commands.Identity {
		id := commands.Identity{Nick: "alice"}
		s.identify(context.Background(), c, *girc.ParseEvent(":alice!a@example.org PRIVMSG #fleet :!x"), &id)
		return id
	}
	if id := who(); id.Account != "alice" || id.Via != viaExtendedJoin {
		t.Fatalf("after extended-join: %+v", id)
	}
	c.RunHandlers(girc.ParseEvent(":alice!a@example.org ACCOUNT *"))
	if id := who(); id.Account != "" || id.Via != viaAccountNotify {
		t.Fatalf("after logout: %+v", id)
	}
}

func waitCap(t *testing.T, c *girc.Client, name string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		_, whox := c.GetServerOption("WHOX")
		if c.IsConnected() && c.HasCapability(name) && whox {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("mock server never granted %s", name)
}
