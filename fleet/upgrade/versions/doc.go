// Package versions works out what "upgrade rc" and "upgrade master"
// stand for, from GitHub, at the moment a plan is made.
//
// rc is the newest pre-release of the configured repository, by version,
// when it is newer than the newest release: once 24.0.1 is out, its
// release candidates are no longer something to roll, and the answer
// says so instead of going backwards. master is the head of the
// configured branch: its build's URL and the version the nodes will
// report once they run it both come from templates filled with the head
// commit, since only the project knows how it names its nightly builds.
//
// Every answer says where it came from, for the plan. GitHub failing is
// a *upgrade.SourceError with a few words for the person; nothing is
// planned then.
package versions
