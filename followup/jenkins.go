package followup

import (
	"context"
	"errors"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/store"
)

// ErrGone marks an error about something Jenkins no longer has: a queue
// item it forgot, a build or job that was deleted. A follow-up whose
// build is gone is closed at once instead of being retried.
var ErrGone = errors.New("no longer in Jenkins")

// Jenkins is what the follow-ups read. gordon's Jenkins client, through
// the jenkinsbridge package, implements it.
//
// An error matching ErrGone means the thing asked for does not exist any
// more. Any other error is taken as passing (Jenkins down, failing or
// slow) and retried until Config.LostAfter; an error with a method
// Brief() string gives the reason shown when a follow-up is lost.
type Jenkins interface {
	// Queue returns the items waiting in the queue.
	Queue(ctx context.Context) ([]commands.JenkinsQueueItem, error)

	// QueueItem returns queue item id, waiting or already left.
	QueueItem(ctx context.Context, id int64) (commands.JenkinsQueueItem, error)

	// Builds returns job's newest builds, newest first, at most n.
	Builds(ctx context.Context, job string, n int) ([]commands.JenkinsBuild, error)

	// Build returns build number of job.
	Build(ctx context.Context, job string, number int64) (commands.JenkinsBuild, error)
}

// Store is the part of gordon's store the follow-ups use; store.Bolt and
// store.Memory implement it. Its errors are those of store.Store.
type Store interface {
	Put(ctx context.Context, key string, value []byte) error
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string) ([]store.Entry, error)
	CompareAndSwap(ctx context.Context, key string, old, new []byte) error
}

var _ Store = (store.Store)(nil)

// briefer is an error that can say what went wrong in one short line.
type briefer interface {
	Brief() string
}

// brief returns err's brief line, or its text when it has none.
func brief(err error) string {
	var b briefer
	if errors.As(err, &b) {
		return b.Brief()
	}
	return err.Error()
}
