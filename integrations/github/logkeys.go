package github

// Log keys used by this package, so every line names a field the same way.
const (
	keyAddr      = "addr"
	keyCount     = "count"
	keyDelivery  = "delivery"
	keyElapsed   = "elapsed"
	keyError     = "error"
	keyEvent     = "event"
	keyHook      = "hook_id"
	keyOp        = "op"
	keyOutcome   = "outcome"
	keyReason    = "reason"
	keyRemote    = "remote"
	keySecondary = "secondary"
	keyStack     = "stack"
	keyStatus    = "status"
	keyTLS       = "tls"
	keyWait      = "wait"
	keyZen       = "zen"
)
