package sshrunner

// Log keys used by this package, so every line names a field the same way.
const (
	keyProgram    = "program"
	keyNode       = "node"
	keyAddr       = "addr"
	keyUser       = "user"
	keyDuration   = "duration"
	keyError      = "error"
	keyKnownHosts = "known_hosts"
	keyKeyFile    = "key_file"
	keyAgent      = "agent"
	keySetting    = "setting"
)
