package jenkins

// Log keys used by this package, so every line names a field the same way.
const (
	keyPath       = "path"
	keyStatus     = "status"
	keyAttempt    = "attempt"
	keyWait       = "wait"
	keyError      = "error"
	keyJob        = "job"
	keyQueueID    = "queue_id"
	keyBuild      = "build"
	keyNode       = "node"
	keyParams     = "params"
	keyResult     = "result"
	keyWaitingFor = "waiting_for"
	keyReason     = "reason"
	keyExisting   = "existing"
)
