package testbed

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// stopTimeout bounds the wait for a process to be stopped by SIGSTOP.
const stopTimeout = 5 * time.Second

// waitStopped returns once every thread of process pid is stopped. A
// SIGSTOP is delivered asynchronously: without the wait, a test that pauses
// a server can still get an answer from it. Where /proc is missing it
// returns at once.
func waitStopped(pid int) error {
	tasks := filepath.Join("/proc", fmt.Sprint(pid), "task")
	if _, err := os.Stat(tasks); err != nil {
		return nil
	}

	deadline := time.Now().Add(stopTimeout)
	for time.Now().Before(deadline) {
		if allStopped(tasks) {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("process %d not stopped after %s", pid, stopTimeout)
}

// allStopped reports whether every thread under tasks is in state T
// (stopped) or t (traced).
func allStopped(tasks string) bool {
	stats, _ := filepath.Glob(filepath.Join(tasks, "*", "stat"))
	if len(stats) == 0 {
		return false
	}
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		// The state follows the command name, which is in parentheses
		// and may itself hold spaces or parentheses.
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || i+2 >= len(s) {
			return false
		}
		if state := s[i+2]; state != 'T' && state != 't' {
			return false
		}
	}
	return true
}
