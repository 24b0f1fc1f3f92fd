// Package outtail keeps the end of a runner's output, where the reason a
// run failed usually is, for the upgrade report.
package outtail

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Max is how much of a run's output a runner keeps.
const Max = 4 << 10

// Writer keeps the last max bytes written to it. It is safe for
// concurrent use, since stdout and stderr both write to it.
type Writer struct {
	max int

	mu  sync.Mutex
	buf []byte
}

// New returns a Writer keeping the last max bytes.
func New(max int) *Writer {
	return &Writer{max: max}
}

// Write keeps p; it never fails. The buffer may grow to twice max before
// its start is dropped, so that a chatty program costs one copy per max
// bytes rather than one per write.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	w.buf = append(w.buf, p...)
	if len(w.buf) > 2*w.max {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-w.max:]...)
	}
	return len(p), nil
}

// String returns the last max bytes, without a UTF-8 sequence the cut
// split and without surrounding blanks.
func (w *Writer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()

	b := w.buf[max(0, len(w.buf)-w.max):]
	for len(b) > 0 && !utf8.RuneStart(b[0]) {
		b = b[1:]
	}
	return strings.TrimSpace(string(b))
}

// LastLine returns the last line of s that is not blank.
func LastLine(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	if i := strings.LastIndexAny(s, "\r\n"); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}
