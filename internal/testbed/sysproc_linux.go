package testbed

import "syscall"

// childAttr makes a server die with the test binary, so a test run that is
// killed (a -timeout panic, say) leaves no server holding its port. The
// kernel forgets this when the server changes its user, as ngircd does when
// started as root, so it helps with InspIRCd only in that case.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
