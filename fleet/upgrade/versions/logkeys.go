package versions

// Log keys used by this package.
const (
	keyError  = "error"
	keyRepo   = "repo"
	keyTarget = "target"
)
