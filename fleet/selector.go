package fleet

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Op is how a Selector compares a node's value with its own.
type Op int

// The comparisons a selector can make. A glob (a value with '*' or '?')
// makes the match operators; key=value and key!=value make the others.
const (
	OpEqual Op = iota
	OpNotEqual
	OpMatch
	OpNotMatch
)

// String returns the operator as logs show it: "=", "!=", "=~" (glob
// match) or "!~" (no glob match).
func (op Op) String() string {
	switch op {
	case OpEqual:
		return "="
	case OpNotEqual:
		return "!="
	case OpMatch:
		return "=~"
	case OpNotMatch:
		return "!~"
	}
	return fmt.Sprintf("Op(%d)", int(op))
}

// negated reports whether op selects the nodes that do not match.
func (op Op) negated() bool {
	return op == OpNotEqual || op == OpNotMatch
}

// Keys with a meaning of their own; any other key names node metadata.
const (
	// KeyNode compares the node name. A bare word selector uses it.
	KeyNode = "node"

	// KeyTag matches the node's service tags.
	KeyTag = "tag"
)

// Selector is one condition on a node, as in "kernel=4.*" or "tag=gpu".
type Selector struct {
	Key   string
	Op    Op
	Value string
}

// Selectors is a list of conditions that must all hold.
type Selectors []Selector

// SelectorError says why a selector could not be parsed.
type SelectorError struct {
	Input  string
	Reason string
}

// Error returns the input and the reason, as in
// `bad selector "kernel=": empty value`.
func (e *SelectorError) Error() string {
	return fmt.Sprintf("bad selector %q: %s", e.Input, e.Reason)
}

// ParseSelector parses "key=value", "key!=value" or a bare node name. A
// value with '*' or '?' is a shell-style glob, anchored at both ends. A
// bare word (no '=') selects by node name. The error is a *SelectorError.
func ParseSelector(s string) (Selector, error) {
	eq := strings.IndexByte(s, '=')
	if eq < 0 {
		return parseBareWord(s)
	}

	key, negate := s[:eq], false
	if strings.HasSuffix(key, "!") {
		key, negate = key[:len(key)-1], true
	}
	value := s[eq+1:]

	if reason := checkKeyValue(key, value); reason != "" {
		return Selector{}, &SelectorError{Input: s, Reason: reason}
	}
	return Selector{Key: key, Op: opFor(negate, IsGlob(value)), Value: value}, nil
}

// parseBareWord makes a node-name selector of a word with no '='.
func parseBareWord(s string) (Selector, error) {
	if s == "" {
		return Selector{}, &SelectorError{Input: s, Reason: "empty node name"}
	}

	for _, r := range s {
		if !isNodeNameRune(r) {
			reason := fmt.Sprintf("%q is not allowed in a node name", r)
			return Selector{}, &SelectorError{Input: s, Reason: reason}
		}
	}
	return Selector{Key: KeyNode, Op: opFor(false, IsGlob(s)), Value: s}, nil
}

// isNodeNameRune reports whether r may appear in a bare node name or
// node-name glob.
func isNodeNameRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("._-*?", r)
}

// checkKeyValue returns why key and value do not make a selector, or ""
// when they do.
func checkKeyValue(key, value string) string {
	switch {
	case key == "":
		return "empty key"
	case !isKey(key):
		return "a key is letters, digits, '_', '.' or '-', starting with a letter"
	case strings.HasPrefix(value, "="):
		return "'==' is not an operator: use key=value or key!=value"
	case value == "":
		return "empty value"
	}
	return checkValue(value)
}

// isKey reports whether key matches [A-Za-z][A-Za-z0-9_.-]*. Capitals are
// allowed because job parameters (PR=1234) share the selector form.
func isKey(key string) bool {
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return key != ""
}

// checkValue returns why value cannot be compared with node metadata, or ""
// when it can.
func checkValue(value string) string {
	if !utf8.ValidString(value) {
		return "value is not valid UTF-8"
	}

	for _, r := range value {
		if unicode.IsControl(r) {
			return "value contains a control character"
		}
		if unicode.IsSpace(r) {
			return "value contains a space"
		}
	}
	return ""
}

// opFor returns the operator for an equality or glob comparison, negated
// or not.
func opFor(negate, glob bool) Op {
	switch {
	case negate && glob:
		return OpNotMatch
	case negate:
		return OpNotEqual
	case glob:
		return OpMatch
	}
	return OpEqual
}

// String returns the selector as a user writes it, "key=value" or
// "key!=value"; ParseSelector gives back the same selector.
func (s Selector) String() string {
	if s.Op.negated() {
		return s.Key + "!=" + s.Value
	}
	return s.Key + "=" + s.Value
}

// Matches reports whether a node satisfies the selector. KeyNode compares
// the node name; KeyTag holds when any tag matches (negated: when none
// does); any other key compares meta[key], and a node without that key
// matches only the negated operators.
func (s Selector) Matches(node string, meta map[string]string, tags []string) bool {
	var found bool
	switch s.Key {
	case KeyNode:
		found = s.valueMatches(node)
	case KeyTag:
		found = slices.ContainsFunc(tags, s.valueMatches)
	default:
		v, ok := meta[s.Key]
		found = ok && s.valueMatches(v)
	}
	return found != s.Op.negated()
}

// valueMatches compares v with the selector's value, ignoring negation.
func (s Selector) valueMatches(v string) bool {
	if s.Op == OpMatch || s.Op == OpNotMatch {
		return globMatch(s.Value, v)
	}
	return v == s.Value
}

// Matches reports whether a node satisfies every selector. An empty list
// matches every node.
func (ss Selectors) Matches(node string, meta map[string]string, tags []string) bool {
	for _, s := range ss {
		if !s.Matches(node, meta, tags) {
			return false
		}
	}
	return true
}

// String returns the selectors separated by spaces.
func (ss Selectors) String() string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.String()
	}
	return strings.Join(parts, " ")
}

// IsGlob reports whether s has a glob wildcard, '*' or '?'.
func IsGlob(s string) bool {
	return strings.ContainsAny(s, "*?")
}

// GlobRegexp returns an RE2 regular expression, anchored with ^ and $,
// that matches what glob matches: '*' is any run of characters, '?' one
// character, and every other character stands for itself.
func GlobRegexp(glob string) string {
	var b strings.Builder
	b.WriteByte('^')

	for glob != "" {
		i := strings.IndexAny(glob, "*?")
		if i < 0 {
			i = len(glob)
		}
		b.WriteString(regexp.QuoteMeta(glob[:i]))
		glob = glob[i:]

		if glob != "" {
			b.WriteString(wildcardRegexp(glob[0]))
			glob = glob[1:]
		}
	}

	b.WriteByte('$')
	return b.String()
}

// wildcardRegexp returns the regular expression for a glob wildcard.
func wildcardRegexp(c byte) string {
	if c == '*' {
		return ".*"
	}
	return "."
}

// globMatch reports whether s matches the whole glob pattern. It walks both
// strings once and, on a mismatch, retries only from the latest '*', so
// its cost is at most the product of the lengths, never exponential.
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, retry := -1, 0

	for i < len(s) {
		if n := globStep(pattern, p, s, i); n >= 0 {
			p, i = p+1, i+n
			continue
		}
		if p < len(pattern) && pattern[p] == '*' {
			star, retry = p, i
			p++
			continue
		}
		if star < 0 {
			return false
		}

		// Let the latest '*' swallow one more character and try again.
		_, n := utf8.DecodeRuneInString(s[retry:])
		retry += n
		p, i = star+1, retry
	}

	return strings.TrimLeft(pattern[p:], "*") == ""
}

// globStep returns how many bytes of s, at i, pattern byte p consumes when
// it is '?' or a literal byte equal to s[i]; -1 when it consumes none.
func globStep(pattern string, p int, s string, i int) int {
	if p >= len(pattern) {
		return -1
	}

	switch pattern[p] {
	case '?':
		_, n := utf8.DecodeRuneInString(s[i:])
		return n
	case '*':
		return -1
	case s[i]:
		return 1
	}
	return -1
}
