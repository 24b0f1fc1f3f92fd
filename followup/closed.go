package followup

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/gordonbot/gordon/commands"
)

// Outcomes of a closed follow-up besides a build's result, which is the
// result in lower case ("success", "failure", "unstable", "aborted",
// "not_built"). Metrics and logs name them the same way.
const (
	// OutcomeCancelled is an item taken out of the queue before it
	// started.
	OutcomeCancelled = "cancelled"

	// OutcomeReplaced is a queued item that a newer follow-up of the
	// same job and pull request replaced.
	OutcomeReplaced = "replaced"

	// OutcomeLost is a build Jenkins no longer knows, or that could not
	// be read for Config.LostAfter.
	OutcomeLost = "lost"

	// OutcomeGaveUp is a build that waited or ran past its limit.
	OutcomeGaveUp = "gave_up"
)

// Closed is how a follow-up ended, as Options.OnClose hears it.
type Closed struct {
	// Record is the follow-up as it was last known, with the build's
	// number and URL once it started.
	Record Record

	// Outcome is the build's result in lower case, or one of the
	// OutcomeX values.
	Outcome string

	// Build is the ended build; its zero value unless Outcome is a
	// result.
	Build commands.JenkinsBuild
}

// notify tells OnClose how a follow-up ended. A panic in it is logged,
// so that one bad hook cannot stop the loop that follows every build.
func (e *Engine) notify(ctx context.Context, c Closed) {
	if e.onClose == nil {
		return
	}

	defer func() {
		if p := recover(); p != nil {
			e.log.Error("follow-up close hook panicked", keyJob, c.Record.Job, keyQueueID, c.Record.QueueID,
				keyError, fmt.Sprint(p), keyStack, string(debug.Stack()))
		}
	}()
	e.onClose(ctx, c)
}
