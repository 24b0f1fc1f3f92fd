package bot

// Log keys used by this package.
const (
	keyError    = "error"
	keyRetryIn  = "retry_in"
	keyStack    = "stack"
	keyRaw      = "raw"
	keyNick     = "nick"
	keyChannel  = "channel"
	keyReason   = "reason"
	keyTarget   = "target"
	keyLines    = "lines"
	keyElapsed  = "elapsed"
	keyAccounts = "accounts_tracked"
	keyCaps     = "caps"
	keySilent   = "silent_for"
)
