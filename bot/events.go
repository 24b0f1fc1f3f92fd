package bot

import (
	"context"
	"strings"
	"time"

	"github.com/lrstanley/girc"

	"github.com/gordonbot/gordon/commands"
)

// rejoinDelay is the pause before joining again after a kick or a refused
// join, so a ban does not become a join loop.
const rejoinDelay = 5 * time.Second

// addHandlers wires the events gordon acts on. Handlers run on girc's
// event loop and must not block: a command runs in its own goroutine.
func (s *Session) addHandlers(ctx context.Context, c *girc.Client, h Handler) {
	c.Handlers.Add(girc.RPL_WELCOME, func(c *girc.Client, e girc.Event) { s.welcomed(c, e) })
	c.Handlers.Add(girc.JOIN, func(c *girc.Client, e girc.Event) { s.onJoin(c, e) })
	c.Handlers.Add(girc.PART, func(c *girc.Client, e girc.Event) { s.onPart(c, e) })
	c.Handlers.Add(girc.KICK, func(c *girc.Client, e girc.Event) { s.onKick(c, e) })
	c.Handlers.Add(girc.NICK, func(c *girc.Client, e girc.Event) { s.onNick(c, e) })
	c.Handlers.Add(girc.QUIT, func(c *girc.Client, e girc.Event) { s.onQuit(c, e) })
	c.Handlers.Add(girc.ERR_SASLFAIL, func(c *girc.Client, e girc.Event) { s.onSASLFail(e) })
	c.Handlers.Add(girc.RPL_SASLSUCCESS, func(c *girc.Client, e girc.Event) { s.log.Info("irc sasl ok") })
	for _, code := range []string{girc.ERR_BANNEDFROMCHAN, girc.ERR_BADCHANNELKEY,
		girc.ERR_INVITEONLYCHAN, girc.ERR_CHANNELISFULL} {
		c.Handlers.Add(code, func(c *girc.Client, e girc.Event) { s.onJoinRefused(c, e) })
	}
	c.Handlers.Add(girc.PRIVMSG, func(c *girc.Client, e girc.Event) { s.onPrivmsg(ctx, c, e, h) })
	s.trackAccounts(c)
}

// welcomed acts on RPL_WELCOME at once: girc's CONNECTED comes two seconds
// later. It starts pacing, identifies to NickServ when SASL did not, and
// joins every channel.
func (s *Session) welcomed(c *girc.Client, e girc.Event) {
	nick := c.GetNick()
	if len(e.Params) > 0 {
		nick = e.Params[0]
	}

	s.mu.Lock()
	s.registered = true
	s.nick = nick
	s.notReady = "joining"
	conn := s.conn
	identify := s.nickservPassword()
	s.mu.Unlock()

	s.metrics.connected.Set(1)
	s.setNick(nick)
	if conn != nil {
		conn.welcomed()
	}
	tracked, caps := accountMode(c)
	s.log.Info("irc registered", keyNick, nick, keyAccounts, tracked, keyCaps, caps)
	if !tracked {
		s.log.Warn("irc server tracks no accounts: maintainers are recognised by hostmask")
	}

	if identify != "" && conn != nil {
		s.nickservIdentify(conn, identify)
	}
	for _, ch := range s.cfg.Channels {
		s.join(c, ch)
	}
}

// nickservPassword is the password for NickServ IDENTIFY: the NickServ
// one, or the SASL one when SASL was refused. Called with s.mu held.
func (s *Session) nickservPassword() string {
	if s.cfg.NickServPassword != "" {
		return s.cfg.NickServPassword
	}
	if s.saslFailed {
		return s.cfg.SASLPassword
	}
	return ""
}

func (s *Session) nickservIdentify(conn *pacedConn, password string) {
	account := s.cfg.SASLUser
	if account == "" {
		account = s.cfg.Nick
	}
	// Written directly, never through girc's debug log: it holds a secret.
	line := "PRIVMSG NickServ :IDENTIFY " + account + " " + password
	if err := conn.WriteLine(context.Background(), line); err != nil {
		s.log.Warn("nickserv identify not sent", keyError, err)
	}
}

func (s *Session) join(c *girc.Client, ch string) {
	if key := s.cfg.ChannelKeys[ch]; key != "" {
		c.Cmd.JoinKey(ch, key)
		return
	}
	c.Cmd.Join(ch)
}

func (s *Session) onJoin(c *girc.Client, e girc.Event) {
	if e.Source == nil || !s.isMe(e.Source.Name) || len(e.Params) == 0 {
		return
	}
	ch := e.Params[0]

	s.mu.Lock()
	s.joined[strings.ToLower(ch)] = true
	s.prefixLen = len(":" + e.Source.Name + "!" + e.Source.Ident + "@" + e.Source.Host + " ")
	elapsed := time.Since(s.dialed)
	s.mu.Unlock()

	s.log.Info("irc joined", keyChannel, ch, keyElapsed, elapsed)
	if ok, _ := s.Ready(); ok {
		s.metrics.joinTime.Set(elapsed.Seconds())
	}
	s.queue.notify()
}

func (s *Session) onPart(c *girc.Client, e girc.Event) {
	if e.Source != nil && s.isMe(e.Source.Name) && len(e.Params) > 0 {
		s.left(e.Params[0])
	}
}

// onKick notes the kick and joins again after a pause.
func (s *Session) onKick(c *girc.Client, e girc.Event) {
	if len(e.Params) < 2 || !s.isMe(e.Params[1]) {
		return
	}
	ch := e.Params[0]
	s.left(ch)
	s.log.Warn("irc kicked", keyChannel, ch, keyReason, e.Last())
	s.rejoinLater(c, ch)
}

func (s *Session) onJoinRefused(c *girc.Client, e girc.Event) {
	if len(e.Params) < 2 {
		return
	}
	ch := e.Params[1]
	s.log.Warn("irc join refused", keyChannel, ch, keyReason, e.Last())
	s.rejoinLater(c, ch)
}

func (s *Session) rejoinLater(c *girc.Client, ch string) {
	time.AfterFunc(rejoinDelay, func() {
		if c.IsConnected() {
			s.join(c, ch)
		}
	})
}

func (s *Session) left(ch string) {
	s.mu.Lock()
	delete(s.joined, strings.ToLower(ch))
	s.mu.Unlock()
}

// onNick follows gordon's own nick, and tries to regain the configured
// nick as soon as whoever held it changes away.
func (s *Session) onNick(c *girc.Client, e girc.Event) {
	if e.Source == nil || len(e.Params) == 0 {
		return
	}
	if s.isMe(e.Source.Name) {
		s.mu.Lock()
		s.nick = e.Params[0]
		s.mu.Unlock()
		s.setNick(e.Params[0])
		s.log.Info("irc nick changed", keyNick, e.Params[0])
		return
	}
	if strings.EqualFold(e.Source.Name, s.cfg.Nick) {
		s.tryRegain(c)
	}
}

func (s *Session) onQuit(c *girc.Client, e girc.Event) {
	if e.Source != nil && strings.EqualFold(e.Source.Name, s.cfg.Nick) {
		s.tryRegain(c)
	}
}

// onSASLFail makes the next connection skip SASL and identify through
// NickServ instead, rather than fail the same way forever.
func (s *Session) onSASLFail(e girc.Event) {
	s.mu.Lock()
	s.saslFailed = true
	s.mu.Unlock()
	s.log.Error("irc sasl failed; will identify through nickserv", keyReason, e.Last())
}

// onPrivmsg hands a line to the command handler in its own goroutine,
// with at most cap(s.handlers) at once; CTCP is girc's business. Finding
// the sender's account may need a WHOX round trip, whose answer arrives
// on this very event loop, so it too happens in the goroutine.
func (s *Session) onPrivmsg(ctx context.Context, c *girc.Client, e girc.Event, h Handler) {
	if e.Source == nil || len(e.Params) < 2 || strings.HasPrefix(e.Last(), "\x01") {
		return
	}
	m := message(e)

	select {
	case s.handlers <- struct{}{}:
	case <-ctx.Done():
		return
	}
	go func() {
		defer func() { <-s.handlers }()
		s.identify(ctx, c, e, &m.From)
		h.Handle(ctx, m)
	}()
}

// message turns a PRIVMSG into what the dispatcher reads; the account is
// filled in by identify.
func message(e girc.Event) commands.Message {
	id := commands.Identity{Nick: e.Source.Name, User: e.Source.Ident, Host: e.Source.Host}
	m := commands.Message{From: id, Text: e.Last(), Received: time.Now()}
	if e.IsFromChannel() {
		m.Target = e.Params[0]
	} else {
		m.Private = true
	}
	return m
}

func (s *Session) isMe(nick string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.EqualFold(nick, s.nick)
}

func (s *Session) setNick(nick string) {
	if s.OnNick != nil {
		s.OnNick(nick)
	}
}
