//go:build unix

package command

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own and has a cancel kill
// the whole group: an upgrade script's children (a package manager, a
// sleep) die with it rather than hold its output open.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
