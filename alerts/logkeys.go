package alerts

// Log keys used by this package, so every line names a field the same way.
const (
	keyCheck   = "check"
	keyDelay   = "delay"
	keyError   = "error"
	keyEvents  = "events"
	keyKind    = "kind"
	keyLines   = "lines"
	keyNode    = "node"
	keyNodes   = "nodes"
	keyRetryIn = "retry_in"
	keyStatus  = "status"
	keyTarget  = "target"
	keyTook    = "took"
)
