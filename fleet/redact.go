package fleet

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces a secret in text shown to people.
const Redacted = "[redacted]"

// MaxOutput is how long, in bytes, a check's output may be in a reply.
const MaxOutput = 160

// redaction is one kind of secret and how to hide it.
type redaction struct {
	re *regexp.Regexp

	// keep is how many leading submatches stay: the secret's label and
	// what joins it to the secret. The rest of the match is replaced.
	keep int

	// tail keeps the last submatch too, after the secret.
	tail bool
}

// redactions are the secrets check output is known to leak, in the order
// they are hidden: whole blocks first, then labelled values, then values
// recognisable on their own.
var redactions = []redaction{
	// A PEM private key, to its end line or, cut short, to the end.
	{re: regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z ]*PRIVATE KEY-----|$)`)},

	// An Authorization header, with its scheme when it has one.
	{re: regexp.MustCompile(`(?i)\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)` +
		`((?:bearer|basic|digest|token|negotiate)\s+)?[^\s"',;]+`), keep: 3},

	// A bearer token anywhere.
	{re: regexp.MustCompile(`(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/=-]+`), keep: 2},

	// user:password@ in a URL.
	{re: regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+)(:)[^/\s@]+(@)`), keep: 2, tail: true},

	// A value labelled as a secret: password=..., "token": "...",
	// AWS_SECRET_ACCESS_KEY=..., db_passwd: ...
	{re: regexp.MustCompile(`(?i)\b([a-z0-9_.-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|` +
		`api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[a-z0-9_.-]*)` +
		`(["']?\s*[:=]\s*["']?)[^\s"'&,;]+`), keep: 2},

	// AWS access key IDs.
	{re: regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b`)},

	// GitHub, Slack and JSON web tokens.
	{re: regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,}|` +
		`xox[abprs]-[A-Za-z0-9-]{10,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})`)},
}

// Redact hides the secrets check output is known to leak: passwords,
// tokens and keys written as name=value or name: value, Authorization
// headers and bearer tokens, the password of a URL's user:password@, AWS
// access key IDs, GitHub and Slack tokens, JSON web tokens and PEM private
// keys. Each becomes [redacted]; the label before it stays, so a reader
// still sees what was there.
//
// Patterns given to UseRedactions are applied after those.
func Redact(s string) string {
	for _, r := range redactions {
		s = r.apply(s)
	}
	if extra := extraRedactions.Load(); extra != nil {
		for _, r := range *extra {
			s = r.apply(s)
		}
	}
	return s
}

// apply replaces what r matches in s, keeping its leading submatches.
func (r redaction) apply(s string) string {
	if r.keep == 0 {
		return r.re.ReplaceAllLiteralString(s, Redacted)
	}

	return r.re.ReplaceAllStringFunc(s, func(match string) string {
		groups := r.re.FindStringSubmatch(match)
		var b strings.Builder
		for _, g := range groups[1 : 1+r.keep] {
			b.WriteString(g)
		}
		b.WriteString(Redacted)
		if r.tail {
			b.WriteString(groups[len(groups)-1])
		}
		return b.String()
	})
}

// OneLine makes text fit one line of a reply: control characters (line
// breaks, tabs, IRC formatting) become spaces, runs of spaces shrink to
// one, and text longer than max bytes is cut at a character boundary and
// ends with "...".
func OneLine(s string, max int) string {
	if isOneLine(s, max) {
		return s
	}

	var b strings.Builder
	b.Grow(min(len(s), max+3))
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			space = true
			continue
		}

		sep := ""
		if space && b.Len() > 0 {
			sep = " "
		}
		if b.Len()+len(sep)+utf8.RuneLen(r) > max {
			b.WriteString("...")
			break
		}
		b.WriteString(sep)
		b.WriteRune(r)
		space = false
	}
	return b.String()
}

// isOneLine reports whether OneLine would return s as it is: at most max
// bytes of printable ASCII, with single spaces between words.
func isOneLine(s string, max int) bool {
	if len(s) > max || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || c == ' ' && s[i+1] == ' ' {
			return false
		}
	}
	return true
}

// CheckOutput returns a check's output as a reply shows it: secrets
// redacted, then on one line of at most MaxOutput bytes.
func CheckOutput(s string) string {
	return OneLine(Redact(s), MaxOutput)
}
