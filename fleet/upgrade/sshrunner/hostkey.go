package sshrunner

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync/atomic"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Kinds of host key refusal, matched with errors.Is on a *HostKeyError.
var (
	// ErrHostKeyUnknown: known_hosts has no key for the node.
	ErrHostKeyUnknown = errors.New("host key unknown")

	// ErrHostKeyMismatch: known_hosts has keys for the node, and the one
	// it offered is none of them. Someone may be posing as the node.
	ErrHostKeyMismatch = errors.New("host key mismatch")

	// ErrHostKeyRevoked: the key is marked @revoked in known_hosts.
	ErrHostKeyRevoked = errors.New("host key revoked")
)

// HostKeyError is a host key that known_hosts does not vouch for. Nothing
// was sent to the node. Kind is one of the ErrHostKeyX sentinels.
type HostKeyError struct {
	// Addr is the host:port dialled; File is the known_hosts file.
	Addr string
	File string

	// Fingerprint is the SHA256 fingerprint of the key the node offered,
	// for a person to compare with the node's own.
	Fingerprint string

	Kind error
}

// Error says which key was refused, why, and what a person can do.
func (e *HostKeyError) Error() string {
	key := fmt.Sprintf("host key of %s (%s)", e.Addr, e.Fingerprint)
	switch e.Kind {
	case ErrHostKeyMismatch:
		return fmt.Sprintf("%s does not match %s: refused, as someone may be posing as the node; "+
			"if it was reinstalled, replace its line", key, e.File)
	case ErrHostKeyRevoked:
		return fmt.Sprintf("%s is revoked in %s: refused", key, e.File)
	}
	return fmt.Sprintf("%s is not in %s: refused; add it once its fingerprint is checked on the node",
		key, e.File)
}

// Unwrap returns the kind.
func (e *HostKeyError) Unwrap() error { return e.Kind }

// probeRemote is the remote address given to known_hosts when it is only
// asked which keys it holds: it parses one, but goes by the host name.
var probeRemote = &net.TCPAddr{IP: net.IPv4zero}

// hostKeys checks the nodes' host keys against a known_hosts file, or,
// when insecure, accepts any.
type hostKeys struct {
	file     string
	insecure bool

	// probe is a key no node has: offering it to known_hosts for an
	// address makes it list the keys it holds for that address.
	probe ssh.PublicKey
}

// newHostKeys returns the checker for cfg, having read its known_hosts
// once so that a missing or broken file fails at start.
func newHostKeys(cfg Config) (hostKeys, error) {
	if cfg.InsecureIgnoreHostKey {
		return hostKeys{insecure: true}, nil
	}
	if _, err := knownhosts.New(cfg.KnownHosts); err != nil {
		return hostKeys{}, fmt.Errorf("known_hosts: %w", err)
	}

	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return hostKeys{}, fmt.Errorf("probe key: %w", err)
	}
	probe, err := ssh.NewPublicKey(pub)
	if err != nil {
		return hostKeys{}, fmt.Errorf("probe key: %w", err)
	}
	return hostKeys{file: cfg.KnownHosts, probe: probe}, nil
}

// hostCheck checks the host key of one connection, and keeps the refusal
// so that it can be told apart from the handshake's other failures.
type hostCheck struct {
	file    string
	check   ssh.HostKeyCallback
	refused atomic.Pointer[HostKeyError]
}

// begin reads known_hosts afresh for a connection to addr and returns its
// check and the host key algorithms to ask the node for.
func (h hostKeys) begin(addr string) (*hostCheck, []string, error) {
	if h.insecure {
		return &hostCheck{check: ssh.InsecureIgnoreHostKey()}, nil, nil
	}

	check, err := knownhosts.New(h.file)
	if err != nil {
		return nil, nil, fmt.Errorf("read known_hosts: %w", err)
	}
	return &hostCheck{file: h.file, check: check}, h.algorithms(check, addr), nil
}

// algorithms returns the host key algorithms of the keys known_hosts
// holds for addr. Asked for those only, a node that has several host keys
// offers one that can be checked rather than one gordon never saw. It
// returns nil, meaning any, for an address known_hosts does not name.
func (h hostKeys) algorithms(check ssh.HostKeyCallback, addr string) []string {
	var keyErr *knownhosts.KeyError
	if !errors.As(check(addr, probeRemote, h.probe), &keyErr) {
		return nil
	}

	var algos []string
	for _, k := range keyErr.Want {
		for _, a := range algorithmsFor(k.Key.Type()) {
			if !slices.Contains(algos, a) {
				algos = append(algos, a)
			}
		}
	}
	return algos
}

// algorithmsFor returns the signature algorithms a key of keyType is
// used with: an RSA key signs with SHA-2 in any OpenSSH of the last
// years, and with SHA-1 in older ones.
func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// callback is the connection's ssh.HostKeyCallback.
func (c *hostCheck) callback(hostname string, remote net.Addr, key ssh.PublicKey) error {
	err := c.check(hostname, remote, key)
	if err == nil {
		return nil
	}

	refused := &HostKeyError{Addr: hostname, File: c.file, Fingerprint: ssh.FingerprintSHA256(key)}
	var keyErr *knownhosts.KeyError
	var revoked *knownhosts.RevokedError
	switch {
	case errors.As(err, &revoked):
		refused.Kind = ErrHostKeyRevoked
	case errors.As(err, &keyErr) && len(keyErr.Want) > 0:
		refused.Kind = ErrHostKeyMismatch
	case errors.As(err, &keyErr):
		refused.Kind = ErrHostKeyUnknown
	default:
		return fmt.Errorf("check host key of %s: %w", hostname, err)
	}
	c.refused.Store(refused)
	return refused
}
