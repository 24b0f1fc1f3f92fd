package alerts

// Log keys used by this package, so every line names a field the same way.
const (
	keyCheck      = "check"
	keyChecks     = "checks"
	keyDelay      = "delay"
	keyDependency = "dependency"
	keyDown       = "down"
	keyError      = "error"
	keyEvents     = "events"
	keyKind       = "kind"
	keyLines      = "lines"
	keyNode       = "node"
	keyNodes      = "nodes"
	keyReason     = "reason"
	keyResumed    = "resumed"
	keyRetryIn    = "retry_in"
	keyStatus     = "status"
	keyTarget     = "target"
	keyTold       = "told"
	keyTook       = "took"
	keyUntil      = "until"
)
