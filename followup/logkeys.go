package followup

// Log keys used by this package, so every line names a field the same way.
const (
	keyJob      = "job"
	keyQueueID  = "queue_id"
	keyBuild    = "build"
	keyPR       = "pr"
	keyWho      = "who"
	keyTarget   = "target"
	keyOutcome  = "outcome"
	keyResult   = "result"
	keyError    = "error"
	keyCount    = "count"
	keyKey      = "key"
	keyWait     = "wait"
	keyDuration = "duration"
	keyStack    = "stack"
)
