// Package bot is gordon's chat side: the IRC session, who is speaking, the
// outbound queue with flood control, line splitting and formatting, and a
// console adapter that lets a person use gordon from a terminal.
//
// It turns incoming lines into commands.Message values for a Handler and
// implements commands.Replier for the answers.
package bot
