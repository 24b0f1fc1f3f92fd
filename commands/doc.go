// Package commands is gordon's command layer: the grammar of a command
// line, the registry of commands, and the dispatcher that checks who may
// run what, limits each person's rate, runs each command with a time limit
// and panic recovery, answers within the line limits of where the command
// came from, and keeps an audit trail of every action.
//
// It knows no IRC: replies leave through the Replier interface, which the
// IRC session and the console implement.
package commands
