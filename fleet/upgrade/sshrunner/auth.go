package sshrunner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// authSockEnv is where an SSH agent's socket is found by default.
const authSockEnv = "SSH_AUTH_SOCK"

// auth is how gordon logs in: with a key read once at start, with the
// keys of an SSH agent asked at each login, or with both, key first.
type auth struct {
	signer      ssh.Signer // nil without a key file
	agentSocket string     // "" without an agent
}

// newAuth reads the key file and finds the agent's socket, so that a key
// that cannot be read or a missing agent fails at start.
func newAuth(cfg Config, getenv func(string) string) (auth, error) {
	var a auth
	if cfg.KeyFile != "" {
		signer, err := loadKey(cfg.KeyFile, cfg.KeyPassword)
		if err != nil {
			return auth{}, fmt.Errorf("key_file: %w", err)
		}
		a.signer = signer
	}

	if cfg.Agent {
		a.agentSocket = cfg.AgentSocket
		if a.agentSocket == "" {
			a.agentSocket = getenv(authSockEnv)
		}
		if a.agentSocket == "" {
			return auth{}, fmt.Errorf("agent: no agent_socket, and %s is not set", authSockEnv)
		}
	}
	return a, nil
}

// loadKey reads the private key at path, with password when it is
// encrypted.
func loadKey(path, password string) (ssh.Signer, error) {
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}

	signer, err := ssh.ParsePrivateKey(pemBytes)
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing) && password == "":
		return nil, fmt.Errorf("%s is encrypted: give its passphrase as key_password", path)
	case errors.As(err, &missing):
		signer, err = ssh.ParsePrivateKeyWithPassphrase(pemBytes, []byte(password))
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return signer, nil
}

// methods returns the way to log in for one connection, and a function
// that closes what it opened once the login is over. It is one method
// offering every key: the ssh package tries each kind of method once, so
// a second "publickey" method would never be tried.
func (a auth) methods(ctx context.Context) ([]ssh.AuthMethod, func(), error) {
	if a.agentSocket == "" {
		return []ssh.AuthMethod{ssh.PublicKeys(a.signer)}, func() {}, nil
	}

	// The agent is asked at each login, so that keys added to it, or an
	// agent restarted since gordon started, are used.
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", a.agentSocket)
	if err != nil {
		return nil, nil, fmt.Errorf("reach ssh agent: %w", err)
	}
	ag := agent.NewClient(conn)
	signers := func() ([]ssh.Signer, error) {
		held, err := ag.Signers()
		if err != nil {
			return nil, fmt.Errorf("list the ssh agent's keys: %w", err)
		}
		if a.signer == nil {
			return held, nil
		}
		return append([]ssh.Signer{a.signer}, held...), nil
	}
	return []ssh.AuthMethod{ssh.PublicKeysCallback(signers)}, func() { conn.Close() }, nil
}
