package commands

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/fleet"
)

// tokWord, tokQuoted, tokSel and tokOpt build expected tokens for the tables below.
func tokWord(text string) Token { return Token{Kind: TokenWord, Text: text} }

func tokQuoted(text string) Token { return Token{Kind: TokenWord, Text: text, Quoted: true} }

func tokSel(text, key string, op fleet.Op, value string) Token {
	s := fleet.Selector{Key: key, Op: op, Value: value}
	return Token{Kind: TokenSelector, Text: text, Selector: s}
}

func tokOpt(text, name, value string, hasValue bool) Token {
	return Token{Kind: TokenOption, Text: text, Name: name, Value: value, HasValue: hasValue}
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []Token
	}{
		{"empty", "", nil},
		{"blank", " \t  ", nil},
		{"one word", "help", []Token{tokWord("help")}},
		{"words", "rebuild 1234 job unit", []Token{
			tokWord("rebuild"), tokWord("1234"), tokWord("job"), tokWord("unit")}},
		{"runs of blanks", "  a \t\t b   ", []Token{tokWord("a"), tokWord("b")}},
		{"double quotes", `maint dm-1 on "disk full"`, []Token{
			tokWord("maint"), tokWord("dm-1"), tokWord("on"), tokQuoted("disk full")}},
		{"single quotes", `x 'disk full'`, []Token{tokWord("x"), tokQuoted("disk full")}},
		{"empty quotes", `x "" ''`, []Token{tokWord("x"), tokQuoted(""), tokQuoted("")}},
		{"quote mid-token", `reason="disk full"`, []Token{tokQuoted("reason=disk full")}},
		{"quotes joined", `a"b c"'d e'f`, []Token{tokQuoted("ab cd ef")}},
		{"quoted word looking like a selector", `"kernel=4.*"`, []Token{tokQuoted("kernel=4.*")}},
		{"quoted word looking like an option", `'--force'`, []Token{tokQuoted("--force")}},
		{"escaped double quote", `"say \"hi\""`, []Token{tokQuoted(`say "hi"`)}},
		{"escaped backslash", `"a\\b"`, []Token{tokQuoted(`a\b`)}},
		{"other backslash kept", `"a\nb"`, []Token{tokQuoted(`a\nb`)}},
		{"backslash in single quotes", `'a\'`, []Token{tokQuoted(`a\`)}},
		{"backslash unquoted", `a\b`, []Token{tokWord(`a\b`)}},
		{"single quote in double quotes", `"it's"`, []Token{tokQuoted("it's")}},
		{"double quote in single quotes", `'say "hi"'`, []Token{tokQuoted(`say "hi"`)}},
		{"selector equal", "kernel=4.19", []Token{
			tokSel("kernel=4.19", "kernel", fleet.OpEqual, "4.19")}},
		{"selector not equal", "distro!=debian", []Token{
			tokSel("distro!=debian", "distro", fleet.OpNotEqual, "debian")}},
		{"selector glob", "kernel=4.*", []Token{tokSel("kernel=4.*", "kernel", fleet.OpMatch, "4.*")}},
		{"selector not glob", "tag!=arm?", []Token{tokSel("tag!=arm?", "tag", fleet.OpNotMatch, "arm?")}},
		{"bare glob is a word", "dm-*", []Token{tokWord("dm-*")}},
		{"option", "--dry-run", []Token{tokOpt("--dry-run", "dry-run", "", false)}},
		{"option with value", "--batch=2", []Token{tokOpt("--batch=2", "batch", "2", true)}},
		{"option value with equals", "--x=a=b", []Token{tokOpt("--x=a=b", "x", "a=b", true)}},
		{"option name with digits", "--max-fail2=1", []Token{
			tokOpt("--max-fail2=1", "max-fail2", "1", true)}},
		{"mixed", "upgrade rc kernel=4.* --batch=2 --dry-run", []Token{
			tokWord("upgrade"), tokWord("rc"),
			tokSel("kernel=4.*", "kernel", fleet.OpMatch, "4.*"),
			tokOpt("--batch=2", "batch", "2", true), tokOpt("--dry-run", "dry-run", "", false)}},
		{"unicode", "silence zoë 2h «tout va bien»", []Token{
			tokWord("silence"), tokWord("zoë"), tokWord("2h"),
			tokWord("«tout"), tokWord("va"), tokWord("bien»")}},
		{"unicode quoted", `x "日本 語"`, []Token{tokWord("x"), tokQuoted("日本 語")}},
		{"unicode selector", "owner=zoë", []Token{tokSel("owner=zoë", "owner", fleet.OpEqual, "zoë")}},
		{"colour codes kept", "\x02bold\x02 \x034red", []Token{
			tokWord("\x02bold\x02"), tokWord("\x034red")}},
		{"other whitespace kept", "a\vb\r", []Token{tokWord("a\vb\r")}},
		{"single dash", "-5", []Token{tokWord("-5")}},
		{"no-break space is not a blank", "a\u00a0b", []Token{tokWord("a\u00a0b")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Tokenize(tt.line)
			if err != nil {
				t.Fatalf("Tokenize(%q): %v", tt.line, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Tokenize(%q) =\n%+v\nwant\n%+v", tt.line, got, tt.want)
			}
		})
	}
}

func TestTokenizeSyntaxErrors(t *testing.T) {
	tests := []struct {
		name       string
		line       string
		wantPos    int
		wantReason string
	}{
		{"unclosed double", `say "hello`, 5, "unclosed quote"},
		{"unclosed single", `say 'hello`, 5, "unclosed quote"},
		{"unclosed mid-token", `reason="disk full`, 8, "unclosed quote"},
		{"escaped closing quote", `"abc\"`, 1, "unclosed quote"},
		{"unclosed after unicode", `zoë "x`, 5, "unclosed quote"},
		{"unclosed second", `"a" 'b`, 5, "unclosed quote"},
		{"double dash alone", "upgrade --", 9, "option name"},
		{"double dash with value", "--=2", 1, "option name"},
		{"upper case option", "x --Batch=2", 3, "bad option name"},
		{"option starting with digit", "--2x", 1, "bad option name"},
		{"option with underscore", "--max_fail=1", 1, "bad option name"},
		{"triple dash", "---x", 1, "bad option name"},
		{"option with empty value", "--batch=", 1, "has no value"},
		{"line too long", strings.Repeat("a", maxLineBytes+1), maxLineBytes + 1, "line too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Tokenize(tt.line)

			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Tokenize(%q) error = %v, want a *SyntaxError", tt.line, err)
			}
			if se.Pos != tt.wantPos {
				t.Errorf("Pos = %d, want %d", se.Pos, tt.wantPos)
			}
			if !strings.Contains(se.Reason, tt.wantReason) {
				t.Errorf("Reason = %q, want it to mention %q", se.Reason, tt.wantReason)
			}
		})
	}
}

func TestTokenizeLongestLine(t *testing.T) {
	line := strings.Repeat("a", maxLineBytes)

	got, err := Tokenize(line)
	if err != nil || len(got) != 1 || got[0].Text != line {
		t.Fatalf("Tokenize of a %d-byte word = %d tokens, %v", len(line), len(got), err)
	}
}

func TestSyntaxErrorText(t *testing.T) {
	_, err := Tokenize(`x "open`)

	want := "syntax error at column 3: unclosed quote"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestTokenizeSelectorErrors(t *testing.T) {
	tests := []struct {
		name      string
		line      string
		wantInput string
	}{
		{"empty value", "nodes kernel=", "kernel="},
		{"empty key", "nodes =4", "=4"},
		{"double equals", "nodes kernel==4", "kernel==4"},
		{"key starting with a digit", "nodes 4kernel=4", "4kernel=4"},
		{"control character", "nodes kernel=\x034", "kernel=\x034"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Tokenize(tt.line)

			var se *fleet.SelectorError
			if !errors.As(err, &se) {
				t.Fatalf("Tokenize(%q) error = %v, want a *fleet.SelectorError", tt.line, err)
			}
			if se.Input != tt.wantInput {
				t.Errorf("Input = %q, want %q", se.Input, tt.wantInput)
			}
		})
	}
}

func TestParseInvocation(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		wantName string
		want     []Token
	}{
		{"name only", "help", "help", nil},
		{"lowercased", "  HeLp rebuild", "help", []Token{tokWord("rebuild")}},
		{"arguments", "maint dm-1 on 'disk full'", "maint", []Token{
			tokWord("dm-1"), tokWord("on"), tokQuoted("disk full")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := ParseInvocation(tt.line)
			if err != nil {
				t.Fatalf("ParseInvocation(%q): %v", tt.line, err)
			}
			if inv.Name != tt.wantName || !slices.Equal(inv.Tokens, tt.want) {
				t.Fatalf("ParseInvocation(%q) = %+v, want name %q and %+v",
					tt.line, inv, tt.wantName, tt.want)
			}
		})
	}
}

func TestParseInvocationErrors(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		wantPos int
	}{
		{"quoted name", `"help" me`, 1},
		{"selector first", "  kernel=4 nodes", 3},
		{"option first", "\t--force maint", 2},
		{"quote in name", `he"lp"`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseInvocation(tt.line)

			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseInvocation(%q) error = %v, want a *SyntaxError", tt.line, err)
			}
			if se.Pos != tt.wantPos {
				t.Errorf("Pos = %d, want %d", se.Pos, tt.wantPos)
			}
		})
	}
}

func TestParseInvocationEmpty(t *testing.T) {
	for _, line := range []string{"", "   ", "\t"} {
		if _, err := ParseInvocation(line); !errors.Is(err, ErrEmptyLine) {
			t.Errorf("ParseInvocation(%q) error = %v, want ErrEmptyLine", line, err)
		}
	}
}

func TestInvocationAccessors(t *testing.T) {
	line := `upgrade rc kernel=4.* "two words" --batch=2 tag!=arm --dry-run --batch=3 on`
	inv, err := ParseInvocation(line)
	if err != nil {
		t.Fatalf("ParseInvocation: %v", err)
	}

	if got, want := inv.Words(), []string{"rc", "two words", "on"}; !slices.Equal(got, want) {
		t.Errorf("Words() = %q, want %q", got, want)
	}
	if got, want := inv.Selectors().String(), "kernel=4.* tag!=arm"; got != want {
		t.Errorf("Selectors() = %q, want %q", got, want)
	}

	tests := []struct {
		name      string
		option    string
		wantValue string
		wantOK    bool
	}{
		{"repeated takes the last", "batch", "3", true},
		{"without value", "dry-run", "", true},
		{"absent", "canary", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value, ok := inv.Option(tt.option)
			if value != tt.wantValue || ok != tt.wantOK {
				t.Fatalf("Option(%q) = %q, %v; want %q, %v",
					tt.option, value, ok, tt.wantValue, tt.wantOK)
			}
		})
	}
}

func TestInvocationEmptyAccessors(t *testing.T) {
	inv, err := ParseInvocation("whoami")
	if err != nil {
		t.Fatalf("ParseInvocation: %v", err)
	}

	if len(inv.Words()) != 0 || len(inv.Selectors()) != 0 || inv.Args() != "" {
		t.Fatalf("whoami has words %q, selectors %v, args %q", inv.Words(), inv.Selectors(), inv.Args())
	}
}

func TestArgsRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		wantArgs string
	}{
		{"plain", "rebuild 1234 job unit", "1234 job unit"},
		{"blanks collapse", "rebuild\t1234   job  unit  ", "1234 job unit"},
		{"spaces quoted", `maint dm-1 on 'disk full'`, `dm-1 on "disk full"`},
		{"quoted plain word stays quoted", `x "abc"`, `"abc"`},
		{"mid-token quote", `x reason="disk full"`, `"reason=disk full"`},
		{"empty quotes", `x "" ''`, `"" ""`},
		{"double quote inside", `x 'say "hi"'`, `'say "hi"'`},
		{"backslash inside", `x "a\\b"`, `'a\b'`},
		{"both quotes inside", `x "it's \"so\""`, `"it's \"so\""`},
		{"both quotes and backslash", `x "it's \\"`, `"it's \\"`},
		{"selectors and options", "upgrade rc kernel!=4.* --batch=2 --dry-run",
			"rc kernel!=4.* --batch=2 --dry-run"},
		{"quoted selector", `x "kernel=4"`, `"kernel=4"`},
		{"quoted option", `x '--force'`, `"--force"`},
		{"unicode", `x "日本 語" zoë`, `"日本 語" zoë`},
		{"colour codes", "x \x034red \"\x02b c\"", "\x034red \"\x02b c\""},
		{"backslash unquoted", `x a\b`, `a\b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := ParseInvocation(tt.line)
			if err != nil {
				t.Fatalf("ParseInvocation(%q): %v", tt.line, err)
			}
			if got := inv.Args(); got != tt.wantArgs {
				t.Errorf("Args() = %q, want %q", got, tt.wantArgs)
			}

			again, err := ParseInvocation(inv.Name + " " + inv.Args())
			if err != nil {
				t.Fatalf("ParseInvocation of the re-joined line: %v", err)
			}
			if again.Name != inv.Name || !slices.Equal(again.Tokens, inv.Tokens) {
				t.Fatalf("round trip = %+v, want %+v", again, inv)
			}
		})
	}
}

func TestArgsOfBuiltTokens(t *testing.T) {
	tests := []struct {
		name  string
		token Token
		want  string
	}{
		{"word with space", tokWord("a b"), `"a b"`},
		{"word with equals", tokWord("a=b"), `"a=b"`},
		{"word like an option", tokWord("--x"), `"--x"`},
		{"empty word", tokWord(""), `""`},
		{"selector without text", Token{Kind: TokenSelector,
			Selector: fleet.Selector{Key: "kernel", Op: fleet.OpMatch, Value: "4.*"}}, "kernel=4.*"},
		{"option without text", Token{Kind: TokenOption, Name: "batch", Value: "2", HasValue: true},
			"--batch=2"},
		{"flag without text", Token{Kind: TokenOption, Name: "force"}, "--force"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := Invocation{Name: "x", Tokens: []Token{tt.token}}
			if got := inv.Args(); got != tt.want {
				t.Fatalf("Args() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTokenKindString(t *testing.T) {
	tests := []struct {
		name string
		kind TokenKind
		want string
	}{
		{"word", TokenWord, "word"},
		{"selector", TokenSelector, "selector"},
		{"option", TokenOption, "option"},
		{"unknown", TokenKind(9), "TokenKind(9)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.kind.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
