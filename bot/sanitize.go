package bot

import "strings"

// Sanitize removes from text what must never reach IRC from outside: CR,
// LF and NUL, which would end or break the line; CTCP's \x01; and the
// formatting bytes for bold, colour, hex colour, reset, monospace,
// reverse, italic, strikethrough and underline, with the colour numbers
// that follow a colour byte.
func Sanitize(text string) string {
	if !needsSanitize(text) {
		return text
	}

	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\r', '\n':
			b.WriteByte(' ')
		case 0x03:
			i += colourArgs(text[i+1:], isDigit, 2)
		case 0x04:
			i += colourArgs(text[i+1:], isHex, 6)
		case 0x00, 0x01, 0x02, 0x0f, 0x11, 0x16, 0x1d, 0x1e, 0x1f:
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func needsSanitize(text string) bool {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < 0x20 && c != '\t' {
			return true
		}
	}
	return false
}

// colourArgs returns how many bytes of "fg[,bg]" follow a colour byte,
// each part at most width bytes for which ok is true.
func colourArgs(s string, ok func(byte) bool, width int) int {
	n := span(s, ok, width)
	if n == 0 {
		return 0
	}
	if n < len(s) && s[n] == ',' {
		if m := span(s[n+1:], ok, width); m > 0 {
			return n + 1 + m
		}
	}
	return n
}

func span(s string, ok func(byte) bool, width int) int {
	n := 0
	for n < len(s) && n < width && ok(s[n]) {
		n++
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
