// Package gating gates the pull requests of the configured repositories
// and runs the /rebuild commands written in their comments.
//
// On a pull request opened, reopened or pushed to (synchronize), the
// Gate reads the pull request's commits and checks that every commit but
// a merge has a "Signed-off-by: Name <email>" line, and sets the
// gordon/sign-off commit status on the head. It then stops the builds of
// the pull request's older heads, queued or running. When every commit
// is signed off it queues the configured PR jobs with the pull request's
// number and head SHA, each with a pending gordon/<job> status that its
// end turns into success, failure or error, linked to the build. When a
// commit is not signed off it says, in one comment per head commit, which
// commits lack it and how to add it. A closed pull request has its
// builds stopped.
//
// A comment on a pull request whose line starts with /rebuild, outside
// quotes, code blocks and HTML comments, by someone GitHub says may push
// to the repository (asked through the API, and remembered briefly), is
// run as gordon's rebuild command through the dispatcher, as
// github:<login>; the answer, and the reports on the builds, become
// comments. Anyone else is told why not, in a comment.
//
// Statuses follows builds through the follow-up engine's OnClose hook,
// and wraps the engine for the rebuild command so that a rebuild, asked
// for on IRC or in a comment, sets the statuses too. Replier routes the
// replies for pull requests to comments and everything else to IRC.
//
// Every delivery the gate acts on is in the Inbox, the receiver's
// delivery log, before GitHub is answered, and leaves it once handled:
// Run takes up those a crash left and retries failed ones with growing
// waits. The state kept in the store (the last head of each pull
// request, the builds awaiting a status, the heads already told about
// sign-offs) makes acting twice on a delivery harmless.
package gating
