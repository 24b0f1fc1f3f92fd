package jenkinsrunner

// Log keys used by this package, so every line names a field the same way.
const (
	keyJob      = "job"
	keyBuild    = "build"
	keyURL      = "url"
	keyNode     = "node"
	keyVersion  = "version"
	keyResult   = "result"
	keyDuration = "duration"
	keyResumed  = "resumed"
)
