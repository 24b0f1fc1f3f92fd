package commands

import (
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"time"
)

// ConfirmTTL is how long a plan waits for its confirm.
const ConfirmTTL = 2 * time.Minute

// MaxUnconfirmed is the most nodes an action such as maint or silence
// touches without asking for confirm first.
const MaxUnconfirmed = 5

// Confirmer holds plans that wait for "confirm <token>": a maint over many
// nodes, an upgrade. Any maintainer may confirm; a token names one plan,
// works once, and expires after ConfirmTTL.
//
// Pending plans live in memory: after a restart a plan is asked for again,
// which costs a line, not a mistake.
type Confirmer struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	pending map[string]plan
}

// plan is one action waiting for its confirm.
type plan struct {
	what    string
	askedBy string
	expires time.Time
	run     Handler
}

// NewConfirmer returns a Confirmer whose plans expire after ttl.
func NewConfirmer(ttl time.Duration) *Confirmer {
	return &Confirmer{ttl: ttl, now: time.Now, pending: map[string]plan{}}
}

// AskIfMany runs act at once when it touches at most MaxUnconfirmed
// nodes, and otherwise asks for confirm first; plan describes it for the
// question. A schedule's run is not asked: the schedule, written by a
// maintainer in the configuration, is the confirmation, and nobody would
// be there to answer.
func (c *Confirmer) AskIfMany(ctx context.Context, req *Request, nodes int, plan func() string, act Handler) error {
	_, scheduled := req.Caller.Schedule()
	if nodes <= MaxUnconfirmed || scheduled {
		return act(ctx, req)
	}
	c.Ask(req, plan(), act)
	return nil
}

// Ask keeps run until a maintainer confirms it, and tells the caller the
// token. what describes the plan in a few words ("maint on for 12 nodes").
func (c *Confirmer) Ask(req *Request, what string, run Handler) {
	token := newToken()

	c.mu.Lock()
	c.expireLocked()
	c.pending[token] = plan{what: what, askedBy: req.Caller.Who(), expires: c.now().Add(c.ttl), run: run}
	c.mu.Unlock()

	req.Reply("%s: say \"confirm %s\" within %s to go ahead", what, token, c.ttl)
}

// take removes and returns the plan named token, if it has not expired.
func (c *Confirmer) take(token string) (plan, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireLocked()
	p, ok := c.pending[token]
	delete(c.pending, token)
	return p, ok
}

func (c *Confirmer) expireLocked() {
	now := c.now()
	for token, p := range c.pending {
		if now.After(p.expires) {
			delete(c.pending, token)
		}
	}
}

// Command returns the confirm command.
func (c *Confirmer) Command() Command {
	return Command{
		Name:    "confirm",
		Usage:   "<token>",
		Summary: "go ahead with a plan that asked for confirmation",
		Role:    RoleMaintainer,
		Action:  true,
		Run: func(ctx context.Context, req *Request) error {
			words := req.Inv.Words()
			if len(words) != 1 {
				return Usagef("confirm takes the token the plan gave")
			}

			p, ok := c.take(strings.ToLower(words[0]))
			if !ok {
				return Userf("no plan %s waiting (expired, already confirmed, or never asked)", quoteName(words[0]))
			}
			req.Reply("confirmed %s (asked by %s)", p.what, p.askedBy)
			return p.run(ctx, req)
		},
	}
}

// newToken returns six characters that are easy to type and read aloud.
func newToken() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
