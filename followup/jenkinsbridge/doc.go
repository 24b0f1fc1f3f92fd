// Package jenkinsbridge adapts gordon's Jenkins client to the interfaces
// that the rebuild command and the follow-ups declare, and measures every
// call it passes on.
//
// The client returns its own named types for queue items and agents,
// which packages that may not import it cannot name in an interface; the
// bridge converts them, and marks the errors about things Jenkins no
// longer has with followup.ErrGone. It keeps no state besides its
// metrics.
package jenkinsbridge
