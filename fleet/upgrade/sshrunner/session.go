package sshrunner

import (
	"context"
	"fmt"

	"golang.org/x/crypto/ssh"

	"github.com/gordonbot/gordon/fleet/upgrade/outtail"
)

// runSession runs cmd under watch (see watched) in a new session on c
// and waits for it. When ctx ends first it has the node kill the command
// and closes c.
func runSession(ctx context.Context, c *ssh.Client, cmd string, out *outtail.Writer) error {
	s, err := c.NewSession()
	if err != nil {
		return fmt.Errorf("open session: %w", err)
	}
	defer s.Close()

	s.Stdout, s.Stderr = out, out
	stdin, err := s.StdinPipe()
	if err != nil {
		return fmt.Errorf("open session input: %w", err)
	}
	if err := s.Start(watched(cmd)); err != nil {
		return fmt.Errorf("start command: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Wait() }()

	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}

	// Closing the input is what the node's watcher waits for; the signal
	// request is a second way for sshd versions that honour it (not for
	// root logins). Closing the connection closes the input too, should
	// the first close not get through.
	stdin.Close()
	_ = s.Signal(ssh.SIGKILL)
	c.Close()
	<-done
	return ctx.Err()
}

// watched wraps cmd, a quoted command line, so that the node kills it and
// everything it started when the session's input ends: when gordon
// closes it at the time limit, or when the connection is gone. Without a
// terminal nothing else stops a remote command, and sshd refuses signal
// requests for root logins.
//
// sshd starts each session's shell as the leader of a process group of
// its own, so "kill 0" from the watcher reaches the command, its children
// and the shell, and nothing else. A shell gives a background job
// /dev/null as input, so the watcher reads the session's input through
// fd 3. The command reads nothing: a prompt fails rather than hangs. Its
// errors go with its output, since SSH carries the two apart and their
// order, which the report's last line depends on, would be lost.
func watched(cmd string) string {
	return `exec 3<&0; ` + cmd + ` </dev/null 2>&1 3<&- & c=$!; ` +
		`{ read -r x <&3; kill -s KILL 0; } & w=$!; exec 3<&-; ` +
		`wait "$c"; s=$?; kill "$w" 2>/dev/null; exit "$s"`
}
