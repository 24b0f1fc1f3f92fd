package announce

import (
	"strings"
	"unicode/utf8"

	"github.com/gordonbot/gordon/bot"
)

// Lengths that keep an announcement on one IRC line. maxLine leaves room
// for gordon's prefix and the longest channel name within IRC's 512
// bytes, so the session never has to split an announcement.
const (
	maxLine        = 330 // bytes, link included
	maxLink        = 200 // bytes
	maxTitle       = 100 // runes of a pull request title or status text
	maxCommitTitle = 50  // runes of each commit title shown
	maxName        = 40  // runes of a login, branch, tag or context
	shownCommits   = 3   // commit titles in a push announcement
	shortSHA       = 7
)

// clean makes text from GitHub safe for one IRC line: the bytes that
// would break or style it go (bot.Sanitize), runs of white space become
// one space, and the ends are trimmed.
func clean(text string) string {
	return strings.Join(strings.Fields(bot.Sanitize(text)), " ")
}

// clip cleans text and cuts it to at most n runes, marking a cut with an
// ellipsis.
func clip(text string, n int) string {
	text = clean(text)
	if utf8.RuneCountInString(text) <= n {
		return text
	}

	runes := []rune(text)
	return strings.TrimRight(string(runes[:n-1]), " ") + "…"
}

// quote clips text and puts it in double quotes, so that where text from
// outside starts and ends is plain.
func quote(text string, n int) string {
	return `"` + clip(text, n) + `"`
}

// firstLine returns the title of a commit message: its first line.
func firstLine(message string) string {
	title, _, _ := strings.Cut(message, "\n")
	return title
}

// short returns the abbreviated form of a commit SHA.
func short(sha string) string {
	sha = clean(sha)
	if len(sha) > shortSHA {
		return sha[:shortSHA]
	}
	return sha
}

// link cleans a URL for the end of a line. A URL can hold no white
// space, so anything after the first is dropped; one too long to be
// useful is left out.
func link(url string) string {
	fields := strings.Fields(bot.Sanitize(url))
	if len(fields) == 0 || len(fields[0]) > maxLink {
		return ""
	}
	return fields[0]
}

// compose joins the text of an announcement and its link, cutting the
// text so that the whole stays within maxLine bytes.
func compose(text, url string) string {
	room := maxLine
	if url != "" {
		room -= len(url) + 1
	}
	if len(text) > room {
		text = cutBytes(text, room-len("…")) + "…"
	}

	if url == "" {
		return text
	}
	return text + " " + url
}

// cutBytes returns the longest prefix of s of at most n bytes that ends
// on a rune boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
