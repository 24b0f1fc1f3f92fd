package testbed

import (
	"bytes"
	"errors"
	"net"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshRun logs in to s with auth, checking its host key against the file
// known, and returns what cmd printed.
func sshRun(t *testing.T, s *SSHD, known string, auth ssh.AuthMethod, cmd string) (string, error) {
	t.Helper()

	check, err := knownhosts.New(known)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ClientConfig{User: s.User, Auth: []ssh.AuthMethod{auth}, HostKeyCallback: check}
	c, err := ssh.Dial("tcp", s.Addr, cfg)
	if err != nil {
		return "", err
	}
	defer c.Close()

	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(cmd)
	return string(out), err
}

func TestSSHD(t *testing.T) {
	s := StartSSHD(t)
	known := s.KnownHosts(t, s.HostKey)

	out, err := sshRun(t, s, known, ssh.PublicKeys(s.ClientKey), "echo hello from $(id -un)")
	if err != nil || out != "hello from "+s.User+"\n" {
		t.Fatalf("run = %q, %v", out, err)
	}

	other := NewSSHKey(t, t.TempDir()+"/other")
	_, err = sshRun(t, s, s.KnownHosts(t, other.PublicKey()), ssh.PublicKeys(s.ClientKey), "true")
	var keyErr *knownhosts.KeyError
	if !errors.As(err, &keyErr) || len(keyErr.Want) != 1 {
		t.Fatalf("a changed host key was accepted: %v", err)
	}

	if _, err := sshRun(t, s, known, ssh.PublicKeys(other), "true"); err == nil {
		t.Fatal("a key that is not authorized logged in")
	}
}

func TestSSHAgent(t *testing.T) {
	s := StartSSHD(t)
	sock := StartSSHAgent(t, s.ClientKeyFile)

	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ag := agent.NewClient(conn)
	keys, err := ag.List()
	if err != nil || len(keys) != 1 || !bytes.Equal(keys[0].Marshal(), s.ClientKey.PublicKey().Marshal()) {
		t.Fatalf("agent holds %v, %v", keys, err)
	}

	out, err := sshRun(t, s, s.KnownHosts(t, s.HostKey), ssh.PublicKeysCallback(ag.Signers), "echo agent")
	if err != nil || out != "agent\n" {
		t.Fatalf("run with the agent = %q, %v", out, err)
	}
}
