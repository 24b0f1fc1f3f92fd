package testbed

import (
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lrstanley/girc"
)

const (
	// registerTimeout bounds the wait for the server's welcome; InspIRCd
	// takes about a second.
	registerTimeout = 10 * time.Second

	// joinTimeout bounds the wait for a client's own JOIN.
	joinTimeout = 10 * time.Second

	// closeTimeout bounds the wait for girc to stop when a test ends.
	closeTimeout = 5 * time.Second

	// maxTraffic is how many received lines a client keeps to show when
	// its test fails.
	maxTraffic = 200
)

// Message is a PRIVMSG or NOTICE a Client received.
type Message struct {
	// Command is PRIVMSG or NOTICE.
	Command string

	// From is the sender's nick, or the server's name.
	From string

	// Target is the channel or nick the message was sent to.
	Target string

	// Text is the message itself.
	Text string

	// Account is the sender's services account, from the IRCv3 account
	// tag; it is empty when the sender is logged out, or the server does
	// not track accounts.
	Account string

	// At is when the client received it.
	At time.Time
}

// Client is an IRC client for tests, playing a person in a channel. It
// uses girc with its state tracking and its own flood control left on,
// like an ordinary well-behaved client: a burst of more than about eight
// Say calls is paced to about one line a second, so a Client is never the
// one disconnected for flooding. A test that wants to flood writes to a
// plain net.Conn instead.
type Client struct {
	irc  *girc.Client
	done chan struct{} // closed when girc's connection loop has returned

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever a field below changes
	err      error         // what ended the connection, once done is closed
	welcomed bool
	sasl     bool            // SASL succeeded (RPL_SASLSUCCESS)
	account  string          // as RPL_LOGGEDIN and RPL_LOGGEDOUT last said
	joined   map[string]bool // channels, in girc.ToRFC1459 form
	messages []Message
	traffic  []string
}

// Dial connects a Client with the given nick to the IRC server at addr and
// returns once the server has welcomed it (RPL_WELCOME). The connection is
// closed when the test ends. If the nick is taken, girc appends "_".
func Dial(t testing.TB, addr, nick string) *Client {
	t.Helper()

	return DialWithPassword(t, addr, nick, "")
}

// DialWithPassword is Dial for a server that wants a password with PASS.
func DialWithPassword(t testing.TB, addr, nick, password string) *Client {
	t.Helper()

	return dial(t, addr, girc.Config{ServerPass: password, Nick: nick})
}

// dial connects a Client to addr with config, whose Nick is set and whose
// server and names dial fills in, and waits for the server's welcome.
func dial(t testing.TB, addr string, config girc.Config) *Client {
	t.Helper()

	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("dialing %s: %v", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatalf("dialing %s: port: %v", addr, err)
	}

	config.Server = host
	config.Port = port
	config.User = config.Nick
	config.Name = "gordon test client"
	c := newClient(config)
	go c.connect()
	t.Cleanup(func() { c.close(t) })

	c.waitFor(t, "registering "+config.Nick+" at "+addr, registerTimeout, func() bool {
		return c.welcomed
	})
	return c
}

// newClient creates a Client and its girc handlers, not yet connected.
func newClient(config girc.Config) *Client {
	c := &Client{
		irc:     girc.New(config),
		done:    make(chan struct{}),
		changed: make(chan struct{}),
		joined:  make(map[string]bool),
	}

	c.irc.Handlers.Add(girc.ALL_EVENTS, c.onEvent)
	c.irc.Handlers.Add(girc.RPL_WELCOME, c.onWelcome)
	c.irc.Handlers.Add(girc.JOIN, c.onJoin)
	c.irc.Handlers.Add(girc.PRIVMSG, c.onMessage)
	c.irc.Handlers.Add(girc.NOTICE, c.onMessage)
	c.irc.Handlers.Add(girc.RPL_SASLSUCCESS, c.onSASLSuccess)
	c.irc.Handlers.Add(girc.RPL_LOGGEDIN, c.onLoggedIn)
	c.irc.Handlers.Add(girc.RPL_LOGGEDOUT, c.onLoggedOut)
	return c
}

// Nick returns the client's current nick.
func (c *Client) Nick() string {
	return c.irc.GetNick()
}

// Join joins channel and waits until the server confirms it with the
// client's own JOIN; it fails the test after ten seconds.
func (c *Client) Join(t testing.TB, channel string) {
	t.Helper()

	c.irc.Cmd.Join(channel)

	key := girc.ToRFC1459(channel)
	c.waitFor(t, c.Nick()+" joining "+channel, joinTimeout, func() bool {
		return c.joined[key]
	})
}

// Say sends a PRIVMSG to target, a channel or a nick. It may block for a
// while when girc's flood control paces the client.
func (c *Client) Say(target, text string) {
	c.irc.Cmd.Message(target, text)
}

// WaitPrivmsg returns the text of the first PRIVMSG received since Dial
// that was sent by from to target and satisfies match. An empty from or
// target matches anyone, and a nil match any text; nicks and channels
// compare case-insensitively. It fails the test when no such message
// arrives within timeout or the connection ends.
func (c *Client) WaitPrivmsg(
	t testing.TB, from, target string, match func(text string) bool, timeout time.Duration,
) string {
	t.Helper()

	var found string
	what := c.Nick() + " waiting for a PRIVMSG from " + orAnyone(from) + " to " + orAnyone(target)
	c.waitFor(t, what, timeout, func() bool {
		for _, m := range c.messages {
			if m.Command == girc.PRIVMSG && sameName(from, m.From) &&
				sameName(target, m.Target) && (match == nil || match(m.Text)) {
				found = m.Text
				return true
			}
		}
		return false
	})
	return found
}

// Messages returns every PRIVMSG and NOTICE received so far, oldest first.
func (c *Client) Messages() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()

	return append([]Message(nil), c.messages...)
}

// waitFor waits until cond, called with c.mu held, returns true. It fails
// the test, showing what it was waiting for, on timeout or when the
// connection ends first.
func (c *Client) waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()

	deadline := time.NewTimer(timeout)
	defer deadline.Stop()

	for {
		c.mu.Lock()
		ok := cond()
		changed := c.changed
		c.mu.Unlock()
		if ok {
			return
		}

		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("%s: nothing after %s", what, timeout)
		case <-c.done:
			t.Fatalf("%s: connection ended: %v", what, c.err)
		}
	}
}

// connect runs girc's connection loop until it ends, then records why.
func (c *Client) connect() {
	err := c.irc.Connect()

	c.update(func() { c.err = err })
	close(c.done)
}

// close stops the client at the end of its test, and shows the lines it
// received when the test failed.
func (c *Client) close(t testing.TB) {
	c.irc.Close()

	select {
	case <-c.done:
	case <-time.After(closeTimeout):
		t.Logf("client %s: girc still running %s after Close", c.irc.Config.Nick, closeTimeout)
	}

	if t.Failed() {
		c.mu.Lock()
		defer c.mu.Unlock()
		t.Logf("client %s received:\n%s", c.irc.Config.Nick, joinLines(c.traffic))
	}
}

// update changes the client's state under its lock and wakes waiters.
func (c *Client) update(change func()) {
	c.mu.Lock()
	defer c.mu.Unlock()

	change()
	close(c.changed)
	c.changed = make(chan struct{})
}

// onEvent keeps the last lines received, to show when a test fails.
func (c *Client) onEvent(_ *girc.Client, e girc.Event) {
	line := e.String()
	c.update(func() {
		if len(c.traffic) == maxTraffic {
			c.traffic = c.traffic[1:]
		}
		c.traffic = append(c.traffic, line)
	})
}

// onWelcome records that the server accepted the registration.
func (c *Client) onWelcome(_ *girc.Client, _ girc.Event) {
	c.update(func() { c.welcomed = true })
}

// onJoin records the channels the client itself joined.
func (c *Client) onJoin(client *girc.Client, e girc.Event) {
	if e.Source == nil || len(e.Params) == 0 || !sameName(client.GetNick(), e.Source.Name) {
		return
	}

	key := girc.ToRFC1459(e.Params[0])
	c.update(func() { c.joined[key] = true })
}

// onMessage records a PRIVMSG or NOTICE.
func (c *Client) onMessage(_ *girc.Client, e girc.Event) {
	m := Message{Command: e.Command, Text: e.Last(), At: time.Now()}
	if e.Source != nil {
		m.From = e.Source.Name
	}
	if len(e.Params) > 1 {
		m.Target = e.Params[0]
	}
	m.Account, _ = e.Tags.Get("account")

	c.update(func() { c.messages = append(c.messages, m) })
}

// sameName reports whether a nick or channel name matches want, ignoring
// IRC case; an empty want matches any name.
func sameName(want, name string) bool {
	return want == "" || girc.ToRFC1459(want) == girc.ToRFC1459(name)
}

// orAnyone returns name, or "anyone" when it is empty.
func orAnyone(name string) string {
	if name == "" {
		return "anyone"
	}
	return name
}

// joinLines joins lines with newlines, or says there were none.
func joinLines(lines []string) string {
	if len(lines) == 0 {
		return "(nothing)"
	}
	return strings.Join(lines, "\n")
}
