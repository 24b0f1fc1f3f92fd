package sshrunner

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// maxTail is how much of a command's output is kept: its end, where the
// reason it failed usually is.
const maxTail = 4 << 10

// tail is a writer that keeps the last max bytes written to it. It is
// safe for concurrent use, since stdout and stderr both write to it.
//
// TODO: the command runner keeps an unexported writer of its own that
// does the same; a small package under fleet/upgrade could serve both.
type tail struct {
	max int

	mu  sync.Mutex
	buf []byte
}

// Write keeps p; it never fails. The buffer may grow to twice max before
// its start is dropped, so that a chatty command costs one copy per max
// bytes rather than one per write.
func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()

	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

// String returns the last max bytes, without a UTF-8 sequence the cut
// split and without surrounding blanks.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()

	b := t.buf[max(0, len(t.buf)-t.max):]
	for len(b) > 0 && !utf8.RuneStart(b[0]) {
		b = b[1:]
	}
	return strings.TrimSpace(string(b))
}

// lastLine returns the last line of s that is not blank.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
