package commands

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/gordonbot/gordon/fleet"
)

// FuzzTokenize checks that no line makes the tokenizer panic, that errors
// are of the documented types with a column inside the line, and that the
// tokens of a line, re-joined by Args, tokenize to the same tokens.
func FuzzTokenize(f *testing.F) {
	seeds := []string{
		"",
		"help",
		`maint dm-1 on "disk full"`,
		`x reason="disk full" 'it''s' "a\"b\\c"`,
		"upgrade rc kernel=4.* distro!=debian --batch=2 --dry-run",
		"nodes tag!=arm? dm-*",
		"x -- --=1 --Bad ---x --batch=",
		"x kernel== =x kernel= a=b=c",
		"\x02bold\x02 \x034red\x03 \x00\x01ACTION\x01",
		"zoë «tout» 日本語 \u00a0\u200b",
		"\"unclosed",
		"'unclosed",
		"a\\",
		"\"a\\\"",
		"\t \t",
	}
	for _, s := range seeds {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, line string) {
		tokens, err := Tokenize(line)
		if err != nil {
			checkTokenizeError(t, line, err)
			return
		}

		checkSelectorTokens(t, tokens)
		checkRejoin(t, tokens)
	})
}

// checkTokenizeError fails unless err is a *SyntaxError pointing into the
// line or a *fleet.SelectorError.
func checkTokenizeError(t *testing.T, line string, err error) {
	var syn *SyntaxError
	if errors.As(err, &syn) {
		if syn.Pos < 1 || syn.Pos > utf8.RuneCountInString(line)+1 {
			t.Fatalf("Tokenize(%q): column %d is outside the line", line, syn.Pos)
		}
		return
	}

	var se *fleet.SelectorError
	if !errors.As(err, &se) {
		t.Fatalf("Tokenize(%q): unexpected error type %T: %v", line, err, err)
	}
}

// checkSelectorTokens fails unless every selector token prints as a
// selector that parses back to itself.
func checkSelectorTokens(t *testing.T, tokens []Token) {
	for _, tok := range tokens {
		if tok.Kind != TokenSelector {
			continue
		}

		again, err := fleet.ParseSelector(tok.Selector.String())
		if err != nil || again != tok.Selector {
			t.Fatalf("selector %q printed as %q parses to %+v, %v",
				tok.Text, tok.Selector.String(), again, err)
		}
	}
}

// checkRejoin fails unless the tokens re-joined by Args tokenize to the
// same tokens.
func checkRejoin(t *testing.T, tokens []Token) {
	line := Invocation{Tokens: tokens}.Args()

	// Quoting a token can make it longer than it was typed ('"' becomes
	// \"), so a line near the limit may not fit once re-joined.
	if len(line) > maxLineBytes {
		return
	}

	again, err := Tokenize(line)
	if err != nil {
		t.Fatalf("re-joined line %q: %v", line, err)
	}
	if !slices.Equal(again, tokens) {
		t.Fatalf("re-joined line %q gives\n%+v\nwant\n%+v", line, again, tokens)
	}
}
