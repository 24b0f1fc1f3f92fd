package commands

import (
	"context"
	"strings"
	"time"
)

// External is a command line that reached gordon from outside the chat,
// from a person another system identified and authorised: a GitHub
// collaborator with write access who commented /rebuild on a pull
// request, say.
type External struct {
	// Caller is the person, with the role that system's check gave
	// them. Caller.Who() is what the audit trail and Jenkins record, so
	// it names the system too: "github:alice".
	Caller Caller

	// Target is where the answer goes through the dispatcher's replier,
	// which must know how to deliver there.
	Target string

	// Line is the command and its arguments, without a prefix.
	Line string

	// Received is when the line reached gordon; zero means now.
	Received time.Time
}

// HandleExternal runs e.Line as e.Caller and answers to e.Target, the way
// Handle runs a line that addressed gordon by name: the caller's rate
// limit, the command's role, the audit trail, the time limit, panic
// recovery and the answer are the same. Only the role differs in where it
// comes from: the maintainers list is not consulted, e.Caller.Role is
// taken as the other system decided it. It returns when the answer has
// been handed to the replier.
func (d *Dispatcher) HandleExternal(ctx context.Context, e External) {
	line := strings.TrimSpace(e.Line)
	if line == "" {
		return
	}
	if e.Received.IsZero() {
		e.Received = time.Now()
	}

	req := &Request{Caller: e.Caller, Target: e.Target, Received: e.Received}
	name := strings.ToLower(firstWord(line))
	cmd := d.reg.Lookup(name)
	if !d.allow(ctx, req) {
		d.metrics.observe(metricName(cmd), "limited", 0)
		return
	}

	if cmd == nil {
		d.unknown(ctx, req, name, true)
		return
	}
	d.run(ctx, cmd, req, line)
}
