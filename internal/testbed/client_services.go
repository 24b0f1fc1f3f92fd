package testbed

import (
	"strings"
	"testing"
	"time"

	"github.com/lrstanley/girc"
)

// servicesTimeout bounds the wait for services to act on a command. Once
// linked, Atheme answers within milliseconds.
const servicesTimeout = 10 * time.Second

// nickServ is the nick that services' account commands go to.
const nickServ = "NickServ"

// RegisterAccount registers a services account with NickServ on the server
// at addr, which must have been started with services. It connects a
// client whose nick is the account, sends REGISTER with the password and
// the email address account@example.test, waits until NickServ has logged
// that client in to the new account, and quits. It fails the test when the
// nick is taken or NickServ refuses, as it does for an account that exists.
func RegisterAccount(t testing.TB, addr, account, password string) {
	t.Helper()

	checkWord(t, "account", account)
	checkWord(t, "password", password)

	c := Dial(t, addr, account)
	if !sameName(account, c.Nick()) {
		t.Fatalf("registering account %s: the nick is taken, so the client is %s", account, c.Nick())
	}

	c.Say(nickServ, "REGISTER "+password+" "+account+"@example.test")
	c.waitLoggedIn(t, "registering account "+account+" with NickServ", account)
	c.Quit(t)
}

// DialSASL is Dial for a client that logs in to a services account with
// SASL PLAIN while it registers. It fails the test unless the server
// answers SASL with success (RPL_SASLSUCCESS, 903): when the password is
// wrong girc gives up and the connection ends, and when the server does not
// offer SASL the welcome comes without it.
func DialSASL(t testing.TB, addr, nick, account, password string) *Client {
	t.Helper()

	c := dial(t, addr, girc.Config{
		Nick: nick,
		SASL: &girc.SASLPlain{User: account, Pass: password},
	})

	c.mu.Lock()
	ok := c.sasl
	c.mu.Unlock()
	if !ok {
		t.Fatalf("SASL PLAIN as %s at %s: welcomed without RPL_SASLSUCCESS; "+
			"the server offers no SASL without services", account, addr)
	}
	return c
}

// Identify logs the client in to a services account with NickServ
// IDENTIFY, and waits until the server says it is logged in to it
// (RPL_LOGGEDIN, 900), which comes once the server has recorded the
// account. It fails the test when that does not happen within ten seconds,
// as with a wrong password.
func (c *Client) Identify(t testing.TB, account, password string) {
	t.Helper()

	checkWord(t, "account", account)
	checkWord(t, "password", password)

	c.Say(nickServ, "IDENTIFY "+account+" "+password)
	c.waitLoggedIn(t, c.Nick()+" identifying to NickServ as "+account, account)
}

// Logout logs the client out of its services account with NickServ LOGOUT,
// and waits until the server says it is logged out (RPL_LOGGEDOUT, 901).
// A client that is not logged in returns at once.
func (c *Client) Logout(t testing.TB) {
	t.Helper()

	c.Say(nickServ, "LOGOUT")
	c.waitFor(t, c.Nick()+" logging out with NickServ", servicesTimeout, func() bool {
		return c.account == ""
	})
}

// Account returns the services account the server last said the client is
// logged in to, or "" when it is logged out or never logged in.
func (c *Client) Account() string {
	c.mu.Lock()
	defer c.mu.Unlock()

	return c.account
}

// waitLoggedIn waits until the server says the client is logged in to
// account, compared without regard to IRC case.
func (c *Client) waitLoggedIn(t testing.TB, what, account string) {
	t.Helper()

	c.waitFor(t, what, servicesTimeout, func() bool {
		return c.account != "" && sameName(account, c.account)
	})
}

// onSASLSuccess records that SASL authentication succeeded.
func (c *Client) onSASLSuccess(_ *girc.Client, _ girc.Event) {
	c.update(func() { c.sasl = true })
}

// onLoggedIn records the account of RPL_LOGGEDIN: "<nick> <mask> <account>
// :You are now logged in as <account>".
func (c *Client) onLoggedIn(_ *girc.Client, e girc.Event) {
	if len(e.Params) < 3 {
		return
	}

	account := e.Params[2]
	c.update(func() { c.account = account })
}

// onLoggedOut records that RPL_LOGGEDOUT said the client is logged out.
func (c *Client) onLoggedOut(_ *girc.Client, _ girc.Event) {
	c.update(func() { c.account = "" })
}

// checkWord fails the test when value, an account name or password, is
// empty or would not stay one word in a command to NickServ.
func checkWord(t testing.TB, what, value string) {
	t.Helper()

	if value == "" || strings.ContainsAny(value, " \r\n") {
		t.Fatalf("%s for NickServ: use one word, without spaces or line breaks", what)
	}
}
