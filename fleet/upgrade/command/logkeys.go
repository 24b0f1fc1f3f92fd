package command

// Log keys used by this package, so every line names a field the same way.
const (
	keyProgram  = "program"
	keyNode     = "node"
	keyDuration = "duration"
	keyError    = "error"
)
