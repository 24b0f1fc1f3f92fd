//go:build !unix

package command

import "os/exec"

// ownGroup leaves cmd as it is: without process groups only the program
// itself is killed at its time limit, and WaitDelay stops the wait for
// its children's output.
func ownGroup(cmd *exec.Cmd) {}
