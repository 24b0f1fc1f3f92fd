package commands

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gordonbot/gordon/fleet"
)

// maxLineBytes is the longest command line gordon reads. IRC lines are far
// shorter; the bound is for the console and for scheduled commands.
const maxLineBytes = 4096

// TokenKind says what a token after the command name is.
type TokenKind int

// The kinds of token a command line is made of.
const (
	// TokenWord is a plain argument or a keyword such as "on" or "job".
	TokenWord TokenKind = iota

	// TokenSelector is key=value, key!=value or key=glob.
	TokenSelector

	// TokenOption is --name or --name=value.
	TokenOption
)

// String returns the kind's name: "word", "selector" or "option".
func (k TokenKind) String() string {
	switch k {
	case TokenWord:
		return "word"
	case TokenSelector:
		return "selector"
	case TokenOption:
		return "option"
	}
	return fmt.Sprintf("TokenKind(%d)", int(k))
}

// Token is one argument of a command line.
type Token struct {
	Kind TokenKind

	// Text is the token as written, after unquoting.
	Text string

	// Quoted is set when any part of the token was quoted. A quoted token
	// is always a TokenWord, never a selector or an option.
	Quoted bool

	// Selector is the parsed selector of a TokenSelector.
	Selector fleet.Selector

	// Name, Value and HasValue describe a TokenOption: --name=value, or
	// --name with an empty Value and HasValue false.
	Name     string
	Value    string
	HasValue bool
}

// SyntaxError says where and why a command line could not be split into
// tokens.
type SyntaxError struct {
	// Pos is the 1-based column, counted in characters, where the problem
	// starts.
	Pos    int
	Reason string
}

// Error returns the column and the reason, as in
// "syntax error at column 7: unclosed quote".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("syntax error at column %d: %s", e.Pos, e.Reason)
}

// Tokenize splits a command line into tokens. Runs of spaces and tabs
// separate tokens; double and single quotes group words and may start in
// the middle of a token; inside double quotes a backslash escapes '"' and
// '\'. An unquoted token starting with "--" is an option, and one holding
// '=' is a selector; every other token is a word. Nothing else is removed:
// formatting bytes stay in the text.
//
// Errors are a *SyntaxError, or the *fleet.SelectorError of a malformed
// selector.
func Tokenize(line string) ([]Token, error) {
	if len(line) > maxLineBytes {
		reason := fmt.Sprintf("line too long (%d bytes, at most %d)", len(line), maxLineBytes)
		return nil, &SyntaxError{Pos: columnAt(line, maxLineBytes), Reason: reason}
	}

	lx := lineLexer{line: line}
	var tokens []Token
	for {
		raw, ok, err := lx.next()
		if err != nil || !ok {
			return tokens, err
		}

		tok, err := classifyToken(line, raw)
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, tok)
	}
}

// columnAt returns the 1-based character column of byte offset off.
func columnAt(line string, off int) int {
	return utf8.RuneCountInString(line[:off]) + 1
}

// isBlank reports whether c separates tokens.
func isBlank(c byte) bool {
	return c == ' ' || c == '\t'
}

// rawToken is a token as the lexer found it, before it is classified.
type rawToken struct {
	text   string
	quoted bool

	// start is the byte offset of the token in the line.
	start int
}

// lineLexer cuts a command line into raw tokens, handling quotes.
type lineLexer struct {
	line string
	pos  int
}

// next returns the next raw token, or false at the end of the line.
func (lx *lineLexer) next() (rawToken, bool, error) {
	for lx.pos < len(lx.line) && isBlank(lx.line[lx.pos]) {
		lx.pos++
	}
	if lx.pos == len(lx.line) {
		return rawToken{}, false, nil
	}

	raw := rawToken{start: lx.pos}
	var b strings.Builder
	for lx.pos < len(lx.line) && !isBlank(lx.line[lx.pos]) {
		quoted, err := lx.readPart(&b)
		if err != nil {
			return rawToken{}, false, err
		}
		raw.quoted = raw.quoted || quoted
	}

	raw.text = b.String()
	return raw, true, nil
}

// readPart copies one unquoted byte or one quoted part of a token to b and
// reports whether it was quoted.
func (lx *lineLexer) readPart(b *strings.Builder) (bool, error) {
	switch c := lx.line[lx.pos]; c {
	case '"':
		return true, lx.readDoubleQuoted(b)
	case '\'':
		return true, lx.readSingleQuoted(b)
	default:
		b.WriteByte(c)
		lx.pos++
		return false, nil
	}
}

// readSingleQuoted copies the text between single quotes as it is.
func (lx *lineLexer) readSingleQuoted(b *strings.Builder) error {
	open := lx.pos
	n := strings.IndexByte(lx.line[open+1:], '\'')
	if n < 0 {
		return lx.unclosed(open)
	}

	b.WriteString(lx.line[open+1 : open+1+n])
	lx.pos = open + n + 2
	return nil
}

// readDoubleQuoted copies the text between double quotes, where a
// backslash escapes '"' and '\' and is kept before anything else.
func (lx *lineLexer) readDoubleQuoted(b *strings.Builder) error {
	open := lx.pos
	for lx.pos++; lx.pos < len(lx.line); lx.pos++ {
		c := lx.line[lx.pos]
		if c == '"' {
			lx.pos++
			return nil
		}

		if lx.escapedAt(lx.pos + 1) {
			lx.pos++
			c = lx.line[lx.pos]
		}
		b.WriteByte(c)
	}
	return lx.unclosed(open)
}

// escapedAt reports whether the byte at pos, after a backslash inside
// double quotes, is one the backslash escapes.
func (lx *lineLexer) escapedAt(pos int) bool {
	return lx.line[pos-1] == '\\' && pos < len(lx.line) &&
		(lx.line[pos] == '"' || lx.line[pos] == '\\')
}

// unclosed returns the error for a quote opened at byte offset open and
// never closed.
func (lx *lineLexer) unclosed(open int) error {
	return &SyntaxError{Pos: columnAt(lx.line, open), Reason: "unclosed quote"}
}

// classifyToken turns a raw token into a word, a selector or an option.
func classifyToken(line string, raw rawToken) (Token, error) {
	switch {
	case raw.quoted:
		return Token{Kind: TokenWord, Text: raw.text, Quoted: true}, nil
	case strings.HasPrefix(raw.text, "--"):
		return parseOptionToken(line, raw)
	case strings.Contains(raw.text, "="):
		return parseSelectorToken(raw.text)
	}
	return Token{Kind: TokenWord, Text: raw.text}, nil
}

// parseSelectorToken parses a selector token. Its error is the
// *fleet.SelectorError, which already names the input.
func parseSelectorToken(text string) (Token, error) {
	sel, err := fleet.ParseSelector(text)
	if err != nil {
		return Token{}, err
	}
	return Token{Kind: TokenSelector, Text: text, Selector: sel}, nil
}

// parseOptionToken parses --name or --name=value.
func parseOptionToken(line string, raw rawToken) (Token, error) {
	name, value, hasValue := strings.Cut(raw.text[2:], "=")

	var reason string
	switch {
	case name == "":
		reason = `"--" must be followed by an option name, as in --dry-run`
	case !isOptionName(name):
		reason = fmt.Sprintf("bad option name %q: use lowercase letters, digits and '-'", name)
	case hasValue && value == "":
		reason = fmt.Sprintf("option --%s= has no value", name)
	}
	if reason != "" {
		return Token{}, &SyntaxError{Pos: columnAt(line, raw.start), Reason: reason}
	}

	tok := Token{Kind: TokenOption, Text: raw.text, Name: name, Value: value, HasValue: hasValue}
	return tok, nil
}

// isOptionName reports whether name matches [a-z][a-z0-9-]*.
func isOptionName(name string) bool {
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c >= 'a' && c <= 'z':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return name != ""
}

// ErrEmptyLine is returned by ParseInvocation for a line with no command.
var ErrEmptyLine = errors.New("empty command line")

// Invocation is a parsed command line: the command name and the tokens
// after it.
type Invocation struct {
	// Name is the command name, lowercased.
	Name string

	Tokens []Token
}

// ParseInvocation tokenizes line and takes its first token as the command
// name. A line with no tokens returns ErrEmptyLine; a first token that is
// quoted, a selector or an option is a *SyntaxError. Other errors are
// those of Tokenize.
func ParseInvocation(line string) (Invocation, error) {
	tokens, err := Tokenize(line)
	if err != nil {
		return Invocation{}, err
	}
	if len(tokens) == 0 {
		return Invocation{}, ErrEmptyLine
	}

	first := tokens[0]
	if first.Kind != TokenWord || first.Quoted {
		return Invocation{}, badCommandName(line, first)
	}
	return Invocation{Name: strings.ToLower(first.Text), Tokens: tokens[1:]}, nil
}

// badCommandName returns the error for a line whose first token cannot be
// a command name.
func badCommandName(line string, first Token) error {
	what := "a quoted word"
	switch first.Kind {
	case TokenSelector:
		what = "a selector"
	case TokenOption:
		what = "an option"
	}

	start := len(line) - len(strings.TrimLeft(line, " \t"))
	reason := fmt.Sprintf("a command starts with its name, not %s", what)
	return &SyntaxError{Pos: columnAt(line, start), Reason: reason}
}

// Words returns the text of the word tokens, quoted or not, in order.
// Bare node names are words too: a command that takes nodes parses them
// with fleet.ParseSelector.
func (inv Invocation) Words() []string {
	var words []string
	for _, t := range inv.Tokens {
		if t.Kind == TokenWord {
			words = append(words, t.Text)
		}
	}
	return words
}

// Selectors returns the selector tokens, in order.
func (inv Invocation) Selectors() fleet.Selectors {
	var sels fleet.Selectors
	for _, t := range inv.Tokens {
		if t.Kind == TokenSelector {
			sels = append(sels, t.Selector)
		}
	}
	return sels
}

// Option returns the value of option --name and whether it was given at
// all; the value is "" for a bare --name. When an option is repeated, the
// last one counts.
func (inv Invocation) Option(name string) (value string, ok bool) {
	for _, t := range inv.Tokens {
		if t.Kind == TokenOption && t.Name == name {
			value, ok = t.Value, true
		}
	}
	return value, ok
}

// Args returns the tokens after the command name joined by single spaces,
// quoting those that need it, so that the name followed by Args tokenizes
// to the same tokens again.
func (inv Invocation) Args() string {
	parts := make([]string, len(inv.Tokens))
	for i, t := range inv.Tokens {
		parts[i] = t.written()
	}
	return strings.Join(parts, " ")
}

// written returns the token as it can be typed again.
func (t Token) written() string {
	switch {
	case t.Kind == TokenWord && (t.Quoted || wordNeedsQuotes(t.Text)):
		return quoteText(t.Text)
	case t.Kind == TokenSelector && t.Text == "":
		return t.Selector.String()
	case t.Kind == TokenOption && t.Text == "":
		return optionText(t)
	}
	return t.Text
}

// wordNeedsQuotes reports whether text, written as it is, would not read
// back as one unquoted word.
func wordNeedsQuotes(text string) bool {
	return text == "" || strings.ContainsAny(text, " \t\"'=") || strings.HasPrefix(text, "--")
}

// quoteText quotes text so that the tokenizer reads it back as it is:
// in single quotes when it holds a '"' or '\' but no single quote, which
// needs no escapes, otherwise in double quotes.
func quoteText(text string) string {
	if strings.ContainsAny(text, `"\`) && !strings.Contains(text, "'") {
		return "'" + text + "'"
	}
	return `"` + doubleQuoteEscaper.Replace(text) + `"`
}

// doubleQuoteEscaper escapes what a backslash must escape inside double
// quotes.
var doubleQuoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// optionText writes an option token that was built without its text.
func optionText(t Token) string {
	if t.HasValue {
		return "--" + t.Name + "=" + t.Value
	}
	return "--" + t.Name
}
