package gating

// Log keys used by this package, so every line names a field the same way.
const (
	keyAttempts = "attempts"
	keyBuild    = "build"
	keyContext  = "context"
	keyCount    = "count"
	keyDelivery = "delivery"
	keyError    = "error"
	keyEvent    = "event"
	keyExisting = "existing"
	keyHead     = "head"
	keyJob      = "job"
	keyOutcome  = "outcome"
	keyPR       = "pr"
	keyQueueID  = "queue_id"
	keyRepo     = "repo"
	keyState    = "state"
	keyTarget   = "target"
	keyUser     = "user"
)
