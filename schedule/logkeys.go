package schedule

// Log keys used by this package.
const (
	keyChannel  = "channel"
	keyCommand  = "command"
	keyDue      = "due"
	keyError    = "error"
	keyLate     = "late"
	keyNext     = "next"
	keyReason   = "reason"
	keySchedule = "schedule"
)
