// Package followup reports on the builds gordon queued for people: one
// line when a build starts, with its URL, and one when it ends, with its
// result and duration, addressed to whoever asked, where they asked.
//
// A follow-up is stored before the command that queued its build answers,
// and deleted only once its last line has been handed to the chat side,
// so a restart loses none: Resume loads the open ones and they go on
// being followed. A crash between handing a line over and recording that
// it was may repeat that line after the restart; it never loses one.
//
// One loop follows every open follow-up, so their cost to Jenkins does
// not grow with their number: each round reads the queue once when any
// build still waits, reads each job's newest builds once when two or more
// of its builds are followed, and reads a lone build or queue item on its
// own. Reads are paced to a configured rate. While Jenkins fails, rounds
// back off, and a follow-up that cannot be read for a configured time is
// closed with a "lost track" line instead of being retried forever.
//
// Options.OnClose, when set, hears how each follow-up ended (the build's
// result, or cancelled, replaced, lost, gave up) once its lines are
// handed over; pull request gating sets commit statuses from it.
//
// The package depends on small interfaces it declares (Jenkins, Store)
// and on commands.Replier for its lines; gordon's Jenkins client is
// adapted to Jenkins by the jenkinsbridge subpackage.
package followup
