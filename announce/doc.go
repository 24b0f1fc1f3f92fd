// Package announce turns GitHub webhook events into one-line
// announcements and routes them to IRC channels.
//
// The [[github.routes]] of the configuration each name repositories,
// event types, actions and branches, with globs, and a channel. An event
// the receiver in integrations/github has accepted is formatted once, as
// one line ending in a link, and sent to the channel of every route that
// matches it, at most once per channel. gordon announces pushes to
// branches, pull requests opened, closed, merged or reopened, published
// releases (a pre-release as a release candidate, with the hint that
// "upgrade rc" would roll it out), and failed commit statuses and check
// runs; it stays quiet about everything else.
//
// Text that came from GitHub (titles, commit messages, names, links)
// loses CR, LF, NUL, CTCP and formatting bytes and is clipped, so that an
// announcement is always one line that nobody outside can style or split.
//
// The package also adapts gordon's store to the receiver's DeliveryLog,
// since integrations/github may not import it.
package announce
