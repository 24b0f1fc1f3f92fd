package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/gordonbot/gordon/commands"
)

// Handler takes one line that reached gordon. The dispatcher implements
// it; Handle returns once the answer has been handed on.
type Handler interface {
	Handle(ctx context.Context, m commands.Message)
}

// Console runs gordon on a terminal: each input line is a private message
// from one fixed person, and every reply is printed. Replies to other
// targets (the main channel, say) are printed with the target in front.
type Console struct {
	who commands.Identity
	out io.Writer
	mu  sync.Mutex
}

// NewConsole returns a console speaking as who and printing to out.
func NewConsole(who commands.Identity, out io.Writer) *Console {
	return &Console{who: who, out: out}
}

// Send prints the lines of r; it implements commands.Replier.
func (c *Console) Send(ctx context.Context, r commands.Reply) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	for _, line := range r.Lines {
		line = Sanitize(line)
		if r.Target != c.who.Nick {
			line = "[" + r.Target + "] " + line
		}
		if _, err := fmt.Fprintln(c.out, line); err != nil {
			return fmt.Errorf("console write: %w", err)
		}
	}
	return nil
}

// Run reads lines from in until it ends or ctx is done, handing each to h
// in order. Blank lines and lines starting with '#' are skipped.
func (c *Console) Run(ctx context.Context, in io.Reader, h Handler) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)

	for sc.Scan() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		h.Handle(ctx, commands.Message{From: c.who, Private: true, Text: line})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("console read: %w", err)
	}
	return nil
}
