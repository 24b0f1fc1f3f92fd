package bot

import (
	"context"
	"sync"
	"time"

	"github.com/lrstanley/girc"

	"github.com/gordonbot/gordon/commands"
)

// How gordon learned an account; whoami shows it.
const (
	viaAccountTag    = "account-tag"
	viaExtendedJoin  = "extended-join"
	viaAccountNotify = "account-notify"
	viaWHOX          = "whox"
	viaNone          = "none"
)

// whoxToken marks gordon's own WHOX queries, so replies to girc's queries
// (token 1) are told apart.
const whoxToken = "417"

// whoxTimeout bounds how long a command waits for a WHOX answer before it
// runs as from a person with no account.
const whoxTimeout = 3 * time.Second

// accounts follows which services account each nick is logged in to. It
// is fed by extended-join, account-notify and WHOX replies; girc keeps a
// similar table, but it never forgets an account on "*" or "0", so a
// logout could go unseen.
type accounts struct {
	mu      sync.Mutex
	byNick  map[string]known
	waiters map[string][]chan struct{}
}

// known is one nick's account; an empty account means "known to be
// logged out".
type known struct {
	account string
	via     string
}

func newAccounts() *accounts {
	return &accounts{byNick: map[string]known{}, waiters: map[string][]chan struct{}{}}
}

// set records nick's account ("" for none) and wakes WHOX waiters.
func (a *accounts) set(nick, account, via string) {
	if account == "*" || account == "0" {
		account = ""
	}
	key := girc.ToRFC1459(nick)

	a.mu.Lock()
	defer a.mu.Unlock()
	a.byNick[key] = known{account: account, via: via}
	for _, ch := range a.waiters[key] {
		close(ch)
	}
	delete(a.waiters, key)
}

func (a *accounts) lookup(nick string) (known, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k, ok := a.byNick[girc.ToRFC1459(nick)]
	return k, ok
}

// rename follows a nick change: the account goes with the person.
func (a *accounts) rename(from, to string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if k, ok := a.byNick[girc.ToRFC1459(from)]; ok {
		delete(a.byNick, girc.ToRFC1459(from))
		a.byNick[girc.ToRFC1459(to)] = k
	}
}

// forget drops what is known of nick. It is called when gordon can no
// longer see the person's account changes (a quit, a part, a kick), so a
// later command asks the server again instead of trusting old news.
func (a *accounts) forget(nick string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.byNick, girc.ToRFC1459(nick))
}

// reset forgets everyone, as on a new connection.
func (a *accounts) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.byNick = map[string]known{}
}

// wait returns a channel closed when nick's account becomes known, and a
// function that stops waiting.
func (a *accounts) wait(nick string) (<-chan struct{}, func()) {
	key := girc.ToRFC1459(nick)
	ch := make(chan struct{})

	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.byNick[key]; ok {
		close(ch)
		return ch, func() {}
	}
	a.waiters[key] = append(a.waiters[key], ch)
	return ch, func() { a.unwait(key, ch) }
}

func (a *accounts) unwait(key string, ch chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ws := a.waiters[key]
	for i, w := range ws {
		if w == ch {
			a.waiters[key] = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(a.waiters[key]) == 0 {
		delete(a.waiters, key)
	}
}

// trackAccounts wires the events that tell accounts.
func (s *Session) trackAccounts(c *girc.Client) {
	c.Handlers.Add(girc.JOIN, func(c *girc.Client, e girc.Event) {
		// extended-join: JOIN #channel account :real name
		if e.Source != nil && len(e.Params) >= 3 {
			s.accounts.set(e.Source.Name, e.Params[1], viaExtendedJoin)
		}
	})
	c.Handlers.Add(girc.CAP_ACCOUNT, func(c *girc.Client, e girc.Event) {
		if e.Source != nil && len(e.Params) == 1 {
			s.accounts.set(e.Source.Name, e.Params[0], viaAccountNotify)
		}
	})
	c.Handlers.Add(girc.RPL_WHOSPCRPL, func(c *girc.Client, e girc.Event) {
		// Our query asks for "%tna": me, token, nick, account.
		if len(e.Params) == 4 && e.Params[1] == whoxToken {
			s.accounts.set(e.Params[2], e.Params[3], viaWHOX)
		}
	})
	c.Handlers.Add(girc.NICK, func(c *girc.Client, e girc.Event) {
		if e.Source != nil && len(e.Params) > 0 {
			s.accounts.rename(e.Source.Name, e.Params[0])
		}
	})
	for _, cmd := range []string{girc.QUIT, girc.PART} {
		c.Handlers.Add(cmd, func(c *girc.Client, e girc.Event) {
			if e.Source != nil {
				s.accounts.forget(e.Source.Name)
			}
		})
	}
	c.Handlers.Add(girc.KICK, func(c *girc.Client, e girc.Event) {
		if len(e.Params) >= 2 {
			s.accounts.forget(e.Params[1])
		}
	})
}

// accountMode says whether the server tracks services accounts, from the
// capabilities it granted: with any of them, only accounts count.
func accountMode(c *girc.Client) (tracked bool, caps []string) {
	for _, cap := range []string{"account-tag", "account-notify", "extended-join"} {
		if c.HasCapability(cap) {
			caps = append(caps, cap)
		}
	}
	return len(caps) > 0, caps
}

// identify fills in the account of the person who sent e: the message
// tag when the server sends one, else what gordon has followed, else a
// WHOX query; with none of these, the person has no account.
func (s *Session) identify(ctx context.Context, c *girc.Client, e girc.Event, id *commands.Identity) {
	id.Via = viaNone
	id.AccountsTracked, _ = accountMode(c)
	if !id.AccountsTracked {
		return
	}

	if c.HasCapability("account-tag") {
		// With account-tag, a message without the tag is from a person
		// who is not logged in.
		if account, ok := e.Tags.Get("account"); ok && account != "*" {
			id.Account = account
		}
		id.Via = viaAccountTag
		return
	}

	k, ok := s.accounts.lookup(id.Nick)
	if !ok {
		k, ok = s.whox(ctx, c, id.Nick)
	}
	if ok {
		id.Account, id.Via = k.account, k.via
	}
}

// whox asks the server for nick's account and waits, bounded, for the
// answer. Servers without WHOX get no query.
func (s *Session) whox(ctx context.Context, c *girc.Client, nick string) (known, bool) {
	if _, ok := c.GetServerOption("WHOX"); !ok {
		return known{}, false
	}

	done, stop := s.accounts.wait(nick)
	defer stop()
	c.Cmd.SendRawf("WHO %s %%tna,%s", nick, whoxToken)

	t := time.NewTimer(whoxTimeout)
	defer t.Stop()
	select {
	case <-done:
		return s.accounts.lookup(nick)
	case <-t.C:
	case <-ctx.Done():
	}
	return known{}, false
}
