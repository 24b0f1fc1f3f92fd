package testbed

import "syscall"

// childAttr makes a server die with the test binary, so a test run that is
// killed (a -timeout panic, say) leaves no server holding its port. The
// kernel drops this setting when a process changes its user, which ngircd
// does when started as root; run as root, only InspIRCd is covered.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
