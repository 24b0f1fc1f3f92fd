package bot

import (
	"strings"
	"unicode/utf8"
)

// IRC allows 512 bytes a line with CR LF, and the server relays gordon's
// line with gordon's own prefix in front (":nick!user@host "), so the text
// must leave room for both.
const (
	maxLine = 512

	// conservativePrefix is the prefix length assumed before gordon has
	// seen its own hostmask: a 30-byte nick, a 10-byte user, and a 63-byte
	// host.
	conservativePrefix = len(":") + 30 + len("!") + 10 + len("@") + 63 + len(" ")
)

// textBudget is how many bytes of text fit in "PRIVMSG target :text" when
// the server adds a prefix of prefixLen bytes.
func textBudget(prefixLen int, command, target string) int {
	overhead := prefixLen + len(command) + 1 + len(target) + len(" :") + len("\r\n")
	return maxLine - overhead
}

// splitText cuts text into pieces of at most max bytes. It cuts at the
// last space that leaves a piece at least half full, dropping that space,
// and otherwise at the last rune boundary, so a multi-byte character is
// never broken in two.
func splitText(text string, max int) []string {
	if max < utf8.UTFMax {
		max = utf8.UTFMax
	}

	var pieces []string
	for len(text) > max {
		cut, skip := cutPoint(text, max)
		pieces = append(pieces, text[:cut])
		text = text[cut+skip:]
	}
	if text != "" || len(pieces) == 0 {
		pieces = append(pieces, text)
	}
	return pieces
}

// cutPoint returns where to end the next piece and how many bytes to skip
// after it (1 for a space cut, 0 otherwise).
func cutPoint(text string, max int) (cut, skip int) {
	if i := strings.LastIndexByte(text[:max+1], ' '); i >= max/2 {
		return i, 1
	}

	cut = max
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	if cut == 0 {
		// Not UTF-8 at all: any byte boundary will do.
		cut = max
	}
	return cut, 0
}
