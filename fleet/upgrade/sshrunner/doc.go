// Package sshrunner is the upgrade runner that logs in to each node over
// SSH and runs a command there: the [upgrade.ssh] section names the
// program and its arguments as a list, each a text/template over the node
// ({{.Node}}, {{.Address}}, {{.Version}}, {{.URL}}). SSH carries one
// command line to the node's login shell, so gordon quotes every argument
// for a POSIX shell: a version such as "24.0.1; reboot" reaches the
// program as one argument and runs nothing. A probe, written the same
// way, asks which version a node runs.
//
// The node's host key must be in the configured known_hosts file; one
// that is missing, changed or revoked is refused before anything is
// sent. Skipping the check is possible for a lab, never the default, and
// gordon warns about it at every start. Gordon logs in with a private key
// file, the SSH agent, or both.
//
// Each run has a time limit. gordon wraps the command in a few lines of
// POSIX shell that kill its whole process group on the node when the
// session's input closes; at the limit gordon closes it, and a lost
// connection closes it too. A node that stops answering keepalives is
// given up on well before the limit. The end of what the command wrote,
// errors included, is kept for the report. The nodes' login shells must
// therefore be POSIX shells (sh, dash, bash, zsh), not csh or fish.
//
// Runner.Maint turns Consul maintenance on or off by running "consul
// maint" on the node, for nodes whose agent's HTTP API gordon cannot
// reach itself.
package sshrunner
