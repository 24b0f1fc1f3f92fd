//go:build !linux

package testbed

import "syscall"

// childAttr returns no special attributes: only Linux can tie a child's
// life to its parent's.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{}
}
