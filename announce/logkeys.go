package announce

// Log keys used by this package, so every line names a field the same way.
const (
	keyChannel  = "channel"
	keyDelivery = "delivery"
	keyError    = "error"
	keyEvent    = "event"
	keyRepo     = "repo"
)
