package github

// Log keys used by this package, so every line names a field the same way.
const (
	keyAddr     = "addr"
	keyCount    = "count"
	keyDelivery = "delivery"
	keyElapsed  = "elapsed"
	keyError    = "error"
	keyEvent    = "event"
	keyHook     = "hook_id"
	keyOutcome  = "outcome"
	keyReason   = "reason"
	keyRemote   = "remote"
	keyStack    = "stack"
	keyStatus   = "status"
	keyTLS      = "tls"
	keyZen      = "zen"
)
