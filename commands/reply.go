package commands

import (
	"context"
	"fmt"
)

// Priority orders outgoing lines when the chat side must queue them.
// Lower values go first.
type Priority int

const (
	// PriorityAlert is for health alerts: they go before anything else.
	PriorityAlert Priority = iota
	// PriorityReply is for answers to a person's command.
	PriorityReply
	// PriorityAnnounce is for announcements nobody asked for right now:
	// webhook events, build follow-ups, actions seen in private.
	PriorityAnnounce
)

// String names the priority for logs and metrics.
func (p Priority) String() string {
	switch p {
	case PriorityAlert:
		return "alert"
	case PriorityReply:
		return "reply"
	default:
		return "announce"
	}
}

// Reply is a batch of lines for one target.
type Reply struct {
	// Target is a channel name, or a nick for a private reply.
	Target   string
	Private  bool
	Priority Priority
	Lines    []string
}

// Replier delivers replies. The IRC session and the console implement it.
// Send returns once the lines are accepted for delivery, not when they are
// written; it returns an error only when the replier is closed or ctx ends
// first, and then none of the lines were accepted.
type Replier interface {
	Send(ctx context.Context, r Reply) error
}

// Line limits per answer: a channel is shared, a private query is not.
const (
	ChannelLines = 5
	PrivateLines = 30
)

// limit cuts lines to what one answer may hold. When it cuts, the last line
// it keeps says how many were left out and how to get them all, so the
// answer never exceeds max lines.
func limit(lines []string, max int, nick, command string) []string {
	if len(lines) <= max {
		return lines
	}

	kept := append([]string(nil), lines[:max-1]...)
	more := len(lines) - len(kept)
	switch {
	case nick == "":
		return append(kept, fmt.Sprintf("... and %d more", more))
	case command == "":
		return append(kept, fmt.Sprintf("... and %d more (ask in private for long answers)", more))
	}
	return append(kept, fmt.Sprintf("... and %d more (/msg %s %s for all)", more, nick, command))
}
