package command

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// maxTail is how much of a program's output is kept: its end, where the
// reason it failed usually is.
const maxTail = 4 << 10

// tail is a writer that keeps the last max bytes written to it. It is
// safe for concurrent use, since stdout and stderr both write to it.
type tail struct {
	max int

	mu  sync.Mutex
	buf []byte
}

// Write keeps the end of what was written so far, p included; it never
// fails.
func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()

	n := len(p)
	if len(p) >= t.max {
		t.buf = append(t.buf[:0], p[len(p)-t.max:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// String returns what is kept, without a UTF-8 sequence the cut split
// and without surrounding blanks.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()

	b := t.buf
	for len(b) > 0 && !utf8.RuneStart(b[0]) {
		b = b[1:]
	}
	return strings.TrimSpace(string(b))
}

// lastLine returns the last line of s that is not blank.
func lastLine(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	if i := strings.LastIndexAny(s, "\r\n"); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}
