package testbed

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// startLinked starts InspIRCd linked to Atheme and logs how long that
// took.
func startLinked(t *testing.T) *IRCServer {
	t.Helper()

	start := time.Now()
	s := StartInspircd(t, InspircdOptions{Services: true})
	t.Logf("inspircd started and atheme linked in %s", time.Since(start).Round(time.Millisecond))
	return s
}

func TestServicesSASL(t *testing.T) {
	t.Parallel()
	s := startLinked(t)
	RegisterAccount(t, s.Addr, "alice", "sesame")

	start := time.Now()
	alice := DialSASL(t, s.Addr, "alice", "alice", "sesame")
	t.Logf("dial with SASL took %s", time.Since(start).Round(time.Millisecond))

	if got := alice.Account(); got != "alice" {
		t.Errorf("account after SASL = %q, want alice", got)
	}
}

func TestServicesSASLReplies(t *testing.T) {
	t.Parallel()
	s := startLinked(t)
	RegisterAccount(t, s.Addr, "alice", "sesame")

	tests := []struct {
		name     string
		account  string
		password string
		want     string // the numeric that ends the exchange
	}{
		{name: "right password", account: "alice", password: "sesame", want: "903"},
		{name: "wrong password", account: "alice", password: "open", want: "904"},
		{name: "no such account", account: "nobody", password: "sesame", want: "904"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, took := saslExchange(t, s.Addr, tt.account, tt.password)
			t.Logf("SASL PLAIN answered %s in %s", got, took.Round(time.Microsecond))

			if got != tt.want {
				t.Errorf("SASL PLAIN as %s ended with %s, want %s", tt.account, got, tt.want)
			}
		})
	}
}

func TestServicesAccountTag(t *testing.T) {
	t.Parallel()
	s := startLinked(t)
	RegisterAccount(t, s.Addr, "alice", "sesame")

	alice := DialSASL(t, s.Addr, "alice", "alice", "sesame")
	mallory := Dial(t, s.Addr, "mallory")
	carol := Dial(t, s.Addr, "carol")

	alice.Say("carol", "from alice")
	mallory.Say("carol", "from mallory")
	carol.WaitPrivmsg(t, "alice", "carol", nil, messageTimeout)
	carol.WaitPrivmsg(t, "mallory", "carol", nil, messageTimeout)

	msgs := carol.Messages()
	assertMessage(t, msgs, Message{
		Command: "PRIVMSG", From: "alice", Target: "carol", Text: "from alice", Account: "alice",
	})
	assertMessage(t, msgs, Message{
		Command: "PRIVMSG", From: "mallory", Target: "carol", Text: "from mallory",
	})
}

func TestServicesIdentifyLogout(t *testing.T) {
	t.Parallel()
	s := startLinked(t)
	RegisterAccount(t, s.Addr, "dave", "sesame")

	dave := Dial(t, s.Addr, "dave_away")
	carol := Dial(t, s.Addr, "carol")

	dave.Identify(t, "dave", "sesame")
	if got := dave.Account(); got != "dave" {
		t.Errorf("account after IDENTIFY = %q, want dave", got)
	}
	dave.Say("carol", "identified")
	carol.WaitPrivmsg(t, "dave_away", "", equals("identified"), messageTimeout)

	dave.Logout(t)
	if got := dave.Account(); got != "" {
		t.Errorf("account after LOGOUT = %q, want none", got)
	}
	dave.Say("carol", "logged out")
	carol.WaitPrivmsg(t, "dave_away", "", equals("logged out"), messageTimeout)

	msgs := carol.Messages()
	assertMessage(t, msgs, Message{
		Command: "PRIVMSG", From: "dave_away", Target: "carol", Text: "identified", Account: "dave",
	})
	assertMessage(t, msgs, Message{
		Command: "PRIVMSG", From: "dave_away", Target: "carol", Text: "logged out",
	})
}

func TestServicesRelinkAfterRestart(t *testing.T) {
	t.Parallel()
	s := startLinked(t)
	RegisterAccount(t, s.Addr, "alice", "sesame")

	start := time.Now()
	s.Restart(t)
	t.Logf("inspircd restarted and atheme relinked in %s", time.Since(start).Round(time.Millisecond))

	alice := DialSASL(t, s.Addr, "alice", "alice", "sesame")
	if got := alice.Account(); got != "alice" {
		t.Errorf("account after SASL = %q, want alice", got)
	}
}

// saslExchange registers a raw connection with SASL PLAIN as account, and
// returns the numeric that ended the exchange (903 or 904) and how long
// the server took to give it after the credentials were sent.
func saslExchange(t *testing.T, addr, account, password string) (string, time.Duration) {
	t.Helper()

	conn, r := dialRaw(t, addr)
	send(t, conn, "CAP LS 302", "NICK sasltest", "USER sasltest 0 * :sasltest")
	if ls := readUntil(t, conn, r, " LS "); !strings.Contains(ls, "sasl") {
		t.Fatalf("server does not offer sasl: %q", ls)
	}

	send(t, conn, "CAP REQ :sasl")
	readUntil(t, conn, r, " ACK ")
	send(t, conn, "AUTHENTICATE PLAIN")
	readUntil(t, conn, r, "AUTHENTICATE ")

	plain := base64.StdEncoding.EncodeToString([]byte(account + "\x00" + account + "\x00" + password))
	start := time.Now()
	send(t, conn, "AUTHENTICATE "+plain)
	line := readUntil(t, conn, r, " 903 ", " 904 ")
	took := time.Since(start)

	send(t, conn, "CAP END")
	readUntil(t, conn, r, " 001 ")
	return strings.Fields(line)[1], took
}

// equals returns a match for WaitPrivmsg that accepts only want.
func equals(want string) func(string) bool {
	return func(text string) bool { return text == want }
}
