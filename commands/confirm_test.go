package commands

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestConfirm(t *testing.T) {
	c := NewConfirmer(ConfirmTTL)
	clock := time.Unix(1000, 0)
	c.now = func() time.Time { return clock }

	ran := 0
	big := Command{Name: "big", Role: RoleMaintainer, Action: true,
		Run: func(ctx context.Context, req *Request) error {
			c.Ask(req, "big for 12 nodes", func(ctx context.Context, req *Request) error {
				ran++
				req.Reply("done by %s", req.Caller.Who())
				return nil
			})
			return nil
		}}
	f := newFixture(t, Config{}, big, c.Command())
	// bob counts as a maintainer by hostmask on a server without accounts.
	bobUntracked := bob
	bobUntracked.AccountsTracked = false
	stranger := Identity{Nick: "eve", User: "e", Host: "x", AccountsTracked: true}

	f.say(alice, "#fleet", "!big")
	asked := f.out.lines("#fleet")
	token := regexp.MustCompile(`confirm ([a-z0-9]{6})`).FindStringSubmatch(strings.Join(asked, "\n"))
	if token == nil || ran != 0 {
		t.Fatalf("want a token and nothing run yet; got %q, ran %d", asked, ran)
	}

	tests := []struct {
		name    string
		from    Identity
		text    string
		advance time.Duration
		want    string
		wantRan int
	}{
		{"anyone may not confirm", stranger, "!confirm " + token[1], 0, "confirm is for maintainers", 0},
		{"wrong token", alice, "!confirm zzzzzz", 0, `no plan "zzzzzz" waiting`, 0},
		{"another maintainer confirms", bobUntracked, "!confirm " + token[1], 0, "done by bob", 1},
		{"a token works once", alice, "!confirm " + token[1], 0, "waiting", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.out.lines("#fleet"))
			clock = clock.Add(tt.advance)
			f.say(tt.from, "#fleet", tt.text)

			got := strings.Join(f.out.lines("#fleet")[before:], "\n")
			if !strings.Contains(got, tt.want) || ran != tt.wantRan {
				t.Fatalf("got %q (ran %d), want %q (ran %d)", got, ran, tt.want, tt.wantRan)
			}
		})
	}
}

func TestConfirmExpires(t *testing.T) {
	c := NewConfirmer(time.Minute)
	clock := time.Unix(1000, 0)
	c.now = func() time.Time { return clock }

	req := &Request{Caller: Caller{Identity: alice}}
	c.Ask(req, "x", func(ctx context.Context, req *Request) error { return nil })
	token := regexp.MustCompile(`confirm ([a-z0-9]{6})`).FindStringSubmatch(req.lines[0])[1]

	clock = clock.Add(61 * time.Second)
	if _, ok := c.take(token); ok {
		t.Fatal("an expired plan must not run")
	}
}
