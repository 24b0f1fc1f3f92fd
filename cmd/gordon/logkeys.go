package main

// Log keys used by main.
const (
	keyAddr        = "addr"
	keyPath        = "path"
	keyVersion     = "version"
	keyError       = "error"
	keyWarning     = "warning"
	keySignal      = "signal"
	keyIntegration = "integration"
	keyPart        = "part"
)
