package commands

// Log keys used by this package, so every line names a field the same way.
const (
	keyCommand  = "command"
	keyArgs     = "args"
	keyWho      = "who"
	keyNick     = "nick"
	keyTarget   = "target"
	keyOutcome  = "outcome"
	keyDuration = "duration"
	keyError    = "error"
	keyStack    = "stack"
	keyNode     = "node"
	keyState    = "state"
)
