package sshrunner

import "strings"

// safeWord holds the bytes a word may be made of to be passed to a POSIX
// shell as it is; any other byte gets the word quoted.
const safeWord = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" +
	"_-+=.,/:@%"

// quote returns s as a single word for a POSIX shell. Inside single
// quotes the shell gives no byte a meaning but the quote itself, which is
// written as three: a quote that closes, a quote escaped with a
// backslash, and a quote that opens again.
func quote(s string) string {
	if s != "" && strings.Trim(s, safeWord) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// quoteAll quotes each word and joins them with spaces, as one command
// line.
func quoteAll(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = quote(w)
	}
	return strings.Join(quoted, " ")
}
