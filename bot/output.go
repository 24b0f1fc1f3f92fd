package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gordonbot/gordon/commands"
)

var _ commands.Replier = (*Session)(nil)

// Send queues the lines of r; it implements commands.Replier. Each line
// is cleaned and split to fit IRC's limit. Lines wait in the queue across
// reconnects; Send never blocks on the network.
func (s *Session) Send(ctx context.Context, r commands.Reply) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	s.mu.Lock()
	budget := textBudget(s.prefixLen, "PRIVMSG", r.Target)
	s.mu.Unlock()

	var lines []outLine
	for _, text := range r.Lines {
		for _, piece := range splitText(s.clean(text), budget) {
			lines = append(lines, outLine{target: r.Target, text: piece, priority: r.Priority})
		}
	}
	s.queue.push(lines...)
	s.updateQueued()
	return nil
}

// clean removes what must not reach the wire. With colour off that is
// every formatting byte too; with colour on, gordon's own formatting
// stays.
func (s *Session) clean(text string) string {
	if !s.cfg.Colour {
		return Sanitize(text)
	}
	// TODO: with colour on, text from outside inside a line keeps its
	// formatting bytes; commands must clean it before they format, once
	// gordon formats anything.
	return strings.Map(func(r rune) rune {
		switch r {
		case '\r', '\n':
			return ' '
		case 0, 1:
			return -1
		}
		return r
	}, text)
}

// writeLoop writes queued lines, one at a time, each when its target can
// take it. It stops when ctx ends.
func (s *Session) writeLoop(ctx context.Context) {
	for {
		l, err := s.queue.pop(ctx, s.canWrite)
		if err != nil {
			return
		}
		s.write(ctx, l)
		s.updateQueued()
	}
}

// write puts one line on the wire. A line that never reached the socket
// goes back to the front of its queue; a line that may have reached it is
// never written again.
func (s *Session) write(ctx context.Context, l outLine) {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn == nil {
		s.queue.pushFront(l)
		return
	}

	command := "PRIVMSG "
	if l.notice {
		command = "NOTICE "
	}
	err := conn.WriteLine(ctx, command+l.target+" :"+l.text)
	switch {
	case err == nil:
		s.metrics.sent.WithLabelValues(l.priority.String()).Inc()
		if s.debug {
			s.log.Debug("irc", keyRaw, "-> "+command+l.target+" :"+l.text)
		}
	case errors.Is(err, errNotWritten):
		s.queue.pushFront(l)
		// The connection is going away; wait for it to be replaced
		// rather than spin on it.
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	default:
		s.log.Warn("irc line may be lost", keyTarget, l.target, keyError, err)
	}
}

// canWrite reports whether a line for target can be written now: gordon
// is registered and, for a channel, has joined it.
func (s *Session) canWrite(target string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.registered || s.conn == nil {
		return false
	}
	if ValidChannel(target) {
		return s.joined[strings.ToLower(target)]
	}
	return true
}

func (s *Session) updateQueued() {
	_, per := s.queue.len()
	s.metrics.setQueued(per)
}
