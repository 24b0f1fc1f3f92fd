package commands

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
)

// recorder is a Replier that keeps every reply.
type recorder struct {
	mu      sync.Mutex
	replies []Reply
}

func (r *recorder) Send(ctx context.Context, rep Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, rep)
	return nil
}

func (r *recorder) all() []Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Reply(nil), r.replies...)
}

// lines returns every line sent to target.
func (r *recorder) lines(target string) []string {
	var out []string
	for _, rep := range r.all() {
		if rep.Target == target {
			out = append(out, rep.Lines...)
		}
	}
	return out
}

// memPutter is a Putter that keeps entries, or fails when told to.
type memPutter struct {
	mu   sync.Mutex
	kv   map[string][]byte
	fail error
}

func (m *memPutter) Put(ctx context.Context, key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	if m.kv == nil {
		m.kv = map[string][]byte{}
	}
	m.kv[key] = value
	return nil
}

var (
	alice = Identity{Nick: "alice", User: "a", Host: "example.org", Account: "alice", Via: "account-tag", AccountsTracked: true}
	bob   = Identity{Nick: "bob", User: "b", Host: "example.org", AccountsTracked: true}
)

type fixture struct {
	d     *Dispatcher
	out   *recorder
	audit *memPutter
	ran   chan string
}

func newFixture(t *testing.T, cfg Config, extra ...Command) *fixture {
	t.Helper()
	f := &fixture{out: &recorder{}, audit: &memPutter{}, ran: make(chan string, 100)}
	reg := NewRegistry()
	reg.Register(Builtins(reg, BuildInfo{Version: "test", Commit: "abc", Started: time.Now()})...)
	reg.Register(Command{Name: "maint", Role: RoleMaintainer, Action: true, Usage: "<selectors> on|off",
		Run: func(ctx context.Context, req *Request) error {
			f.ran <- "maint " + req.Inv.Args()
			req.Reply("done")
			return nil
		}})
	reg.Register(extra...)

	if cfg.Timeout == 0 {
		cfg.Timeout = config.Duration(time.Second)
	}
	if cfg.RateBurst == 0 {
		cfg.RateBurst = 100
	}
	f.d = NewDispatcher(Options{
		Registry:    reg,
		Roles:       NewRoles([]Maintainer{{Name: "alice", Accounts: []string{"alice"}, Hostmasks: []string{"bob!*@*"}}}),
		Out:         f.out,
		Audit:       NewAudit(f.audit),
		Config:      cfg,
		Nick:        "gordon",
		Prefix:      "!",
		MainChannel: "#fleet",
	})
	return f
}

func (f *fixture) say(from Identity, target, text string) {
	f.d.Handle(context.Background(), Message{From: from, Target: target, Private: target == "", Text: text})
}

func TestDispatchAddressing(t *testing.T) {
	tests := []struct {
		name   string
		target string
		text   string
		want   string // first line answered, "" for silence
	}{
		{"prefix", "#fleet", "!version", "gordon test (abc), up"},
		{"nick colon", "#fleet", "gordon: version", "gordon test (abc), up"},
		{"nick comma any case", "#fleet", "Gordon, version", "gordon test (abc), up"},
		{"private plain", "", "version", "gordon test (abc), up"},
		{"private with prefix", "", "!version", "gordon test (abc), up"},
		{"quoted command", "#fleet", `"!version"`, ""},
		{"quoted in a log line", "#fleet", "<bob> !version", ""},
		{"indented", "#fleet", " !version", ""},
		{"quote marker", "#fleet", "> !version", ""},
		{"prefix then space", "#fleet", "! version", ""},
		{"unrelated chatter", "#fleet", "gordonbot is neat", ""},
		{"unknown far name in channel", "#fleet", "!frobnicate", ""},
		{"unknown close name", "#fleet", "!versoin", `unknown command "versoin"; did you mean version?`},
		{"unknown when addressed", "#fleet", "gordon: frobnicate", `unknown command "frobnicate"; try help`},
		{"unknown in private", "", "frobnicate", `unknown command "frobnicate"; try help`},
		{"syntax error", "#fleet", `!help "unclosed`, "help: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{})
			f.say(bob, tt.target, tt.text)

			replies := f.out.all()
			if tt.want == "" {
				if len(replies) != 0 {
					t.Fatalf("want silence, got %+v", replies)
				}
				return
			}
			if len(replies) != 1 || !strings.HasPrefix(replies[0].Lines[0], tt.want) {
				t.Fatalf("want a reply starting %q, got %+v", tt.want, replies)
			}
			wantTarget := tt.target
			if wantTarget == "" {
				wantTarget = "bob"
			}
			if replies[0].Target != wantTarget || replies[0].Private != (tt.target == "") {
				t.Fatalf("reply went to %q (private %v), want %q", replies[0].Target, replies[0].Private, wantTarget)
			}
		})
	}
}

func TestDispatchRoles(t *testing.T) {
	untracked := bob
	untracked.AccountsTracked = false
	spoofed := Identity{Nick: "alice", User: "a", Host: "evil.example", AccountsTracked: true}
	loggedOut := alice
	loggedOut.Account = ""

	tests := []struct {
		name    string
		from    Identity
		wantRun bool
	}{
		{"maintainer by account", alice, true},
		{"hostmask ignored where accounts are tracked", bob, false},
		{"hostmask counts where no accounts are tracked", untracked, true},
		{"maintainer's nick without the account", spoofed, false},
		{"account logged out", loggedOut, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{})
			f.say(tt.from, "#fleet", "!maint dm-1 on")

			ran := len(f.ran) == 1
			if ran != tt.wantRun {
				t.Fatalf("ran = %v, want %v; replies %+v", ran, tt.wantRun, f.out.all())
			}
			if !tt.wantRun {
				got := f.out.lines("#fleet")
				if len(got) != 1 || !strings.Contains(got[0], "maint is for maintainers") {
					t.Fatalf("want one refusal, got %q", got)
				}
			}
		})
	}
}

func TestDispatchTimeoutAndPanic(t *testing.T) {
	blocked := make(chan struct{})
	t.Cleanup(func() { close(blocked) })
	cmds := []Command{
		{Name: "wait", Run: func(ctx context.Context, req *Request) error {
			<-ctx.Done()
			return ctx.Err()
		}},
		{Name: "stuck", Run: func(ctx context.Context, req *Request) error {
			<-blocked // ignores its context
			req.Reply("too late")
			return nil
		}},
		{Name: "boom", Run: func(ctx context.Context, req *Request) error {
			var m map[string]int
			m["x"]++
			return nil
		}},
	}
	tests := []struct {
		name, text, want string
	}{
		{"respects context", "!wait", "wait timed out after 50ms"},
		{"ignores context", "!stuck", "stuck timed out after 50ms"},
		{"panics", "!boom", "boom failed: internal error (logged)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{Timeout: config.Duration(50 * time.Millisecond)}, cmds...)
			f.say(bob, "#fleet", tt.text)

			got := f.out.lines("#fleet")
			if len(got) != 1 || got[0] != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDispatchRateLimit(t *testing.T) {
	f := newFixture(t, Config{RateBurst: 2, RateInterval: config.Duration(time.Hour)})
	for range 5 {
		f.say(bob, "#fleet", "!version")
	}
	f.say(alice, "#fleet", "!version")

	got := f.out.lines("#fleet")
	if len(got) != 4 {
		t.Fatalf("want 2 answers, 1 warning, 1 answer to alice; got %q", got)
	}
	if !strings.Contains(got[2], "slow down") {
		t.Fatalf("third line should ask bob to slow down, got %q", got[2])
	}
	if !strings.HasPrefix(got[3], "gordon test") {
		t.Fatalf("alice has her own budget, got %q", got[3])
	}
}

func TestDispatchLineLimits(t *testing.T) {
	many := Command{Name: "many", Run: func(ctx context.Context, req *Request) error {
		for i := range 40 {
			req.Reply("line %d", i)
		}
		return nil
	}}
	tests := []struct {
		name, target, wantTarget, wantLast string
		wantLines                          int
	}{
		{"channel", "#fleet", "#fleet", "... and 36 more (/msg gordon many x for all)", 5},
		{"private", "", "bob", "... and 11 more", 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{}, many)
			f.say(bob, tt.target, "!many x")

			got := f.out.lines(tt.wantTarget)
			if len(got) != tt.wantLines || got[len(got)-1] != tt.wantLast {
				t.Fatalf("got %d lines ending %q", len(got), got[len(got)-1])
			}
		})
	}
}

func TestDispatchAudit(t *testing.T) {
	f := newFixture(t, Config{})
	f.say(alice, "", "maint dm-1 on")

	if len(f.audit.kv) != 1 {
		t.Fatalf("want one audit entry, got %d", len(f.audit.kv))
	}
	for key, data := range f.audit.kv {
		var e AuditEntry
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(key, AuditPrefix) || e.Who != "alice" || e.Command != "maint" ||
			e.Args != "dm-1 on" || e.Outcome != "ok" || !e.Private {
			t.Fatalf("bad audit entry %s: %+v", key, e)
		}
	}

	announced := f.out.lines("#fleet")
	if len(announced) != 1 || announced[0] != "alice (in private): maint dm-1 on [ok]" {
		t.Fatalf("a private action must be announced in the main channel, got %q", announced)
	}
}

func TestDispatchAuditFailureRefusesAction(t *testing.T) {
	f := newFixture(t, Config{})
	f.audit.fail = errors.New("disk full")
	f.say(alice, "#fleet", "!maint dm-1 on")

	if len(f.ran) != 0 {
		t.Fatal("an action that cannot be audited must not run")
	}
	got := f.out.lines("#fleet")
	if len(got) != 1 || !strings.Contains(got[0], "not run") {
		t.Fatalf("got %q", got)
	}
}

func TestDispatchUsageError(t *testing.T) {
	f := newFixture(t, Config{})
	f.say(bob, "#fleet", "!help a b")

	got := f.out.lines("#fleet")
	if len(got) != 1 || got[0] != "help takes one command name; usage: help [command]" {
		t.Fatalf("got %q", got)
	}
}

func TestHelpShowsOnlyAllowed(t *testing.T) {
	tests := []struct {
		name   string
		from   Identity
		text   string
		want   string
		absent string
	}{
		{"anyone's list", bob, "!help", "commands: help, version, whoami", "maint"},
		{"maintainer's list", alice, "!help", "commands: help, maint, version, whoami", ""},
		{"one command", alice, "!help maint", "maint <selectors> on|off: ", ""},
		{"refused command", bob, "!help maint", "help: maint is for maintainers", ""},
		{"typo", bob, "!help whoamy", "help: no command \"whoamy\"; did you mean whoami?", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{})
			f.say(tt.from, "#fleet", tt.text)

			got := strings.Join(f.out.lines("#fleet"), "\n")
			if !strings.HasPrefix(got, tt.want) || tt.absent != "" && strings.Contains(got, tt.absent) {
				t.Fatalf("got %q, want prefix %q without %q", got, tt.want, tt.absent)
			}
		})
	}
}

func TestWhoami(t *testing.T) {
	f := newFixture(t, Config{})
	f.say(alice, "#fleet", "!whoami")
	f.say(bob, "#fleet", "!whoami")

	got := f.out.lines("#fleet")
	want := []string{
		"alice: account alice (from account-tag), this server tracks accounts; role: maintainer alice",
		"bob: no account, this server tracks accounts; role: anyone: queries only",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestRegistryDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a duplicate name must panic")
		}
	}()
	reg := NewRegistry()
	run := func(ctx context.Context, req *Request) error { return nil }
	reg.Register(Command{Name: "x", Run: run}, Command{Name: "x", Run: run})
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"help", "help", 0}, {"hepl", "help", 2}, {"hlp", "help", 1}, {"", "abc", 3}, {"nodes", "node", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestDispatchActionAnswersDoNotSayRunAgain: a long answer to an action
// does not tell people to run the action again to see it all.
func TestDispatchActionAnswersDoNotSayRunAgain(t *testing.T) {
	drain := Command{Name: "drain", Role: RoleMaintainer, Action: true, Run: func(ctx context.Context, req *Request) error {
		for i := range 12 {
			req.Reply("node %d drained", i)
		}
		return nil
	}}
	f := newFixture(t, Config{}, drain)
	f.say(alice, "#fleet", "!drain all")

	got := f.out.lines("#fleet")
	if len(got) != ChannelLines || got[len(got)-1] != "... and 8 more (ask in private for long answers)" {
		t.Fatalf("got %d lines ending %q", len(got), got[len(got)-1])
	}
}

// TestDispatchReadsOfAnAction: a line an action's Reads calls reading is
// neither audited nor announced; the acting line is both.
func TestDispatchReadsOfAnAction(t *testing.T) {
	roll := Command{Name: "roll", Role: RoleAnyone, Action: true,
		Reads: func(inv Invocation) bool { return inv.Args() == "status" },
		Run:   func(ctx context.Context, req *Request) error { req.Reply("ok"); return nil }}
	f := newFixture(t, Config{}, roll)

	f.say(bob, "", "roll status")
	if len(f.audit.kv) != 0 || len(f.out.lines("#fleet")) != 0 {
		t.Fatalf("a reading line was audited (%d) or announced (%q)", len(f.audit.kv), f.out.lines("#fleet"))
	}

	f.say(alice, "", "roll 24.0.1")
	if len(f.audit.kv) != 1 || len(f.out.lines("#fleet")) != 1 {
		t.Fatalf("the acting line: %d audit entries, announced %q; want 1 and 1", len(f.audit.kv), f.out.lines("#fleet"))
	}
}
