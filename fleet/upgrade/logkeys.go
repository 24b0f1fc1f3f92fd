package upgrade

// Log keys used by this package, so every line names a field the same way.
const (
	keyPlan     = "plan"
	keyVersion  = "version"
	keyNode     = "node"
	keyStep     = "step"
	keyBatch    = "batch"
	keyPhase    = "phase"
	keyWho      = "who"
	keyReason   = "reason"
	keyDuration = "duration"
	keyError    = "error"
	keyUpgraded = "upgraded"
	keyFailed   = "failed"
)
