package testbed

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"text/template"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// privsepDir is where Debian's sshd, started as root, chroots its
// unprivileged half before authentication. The package makes it when the
// service first starts; a machine that only has the package installed,
// such as a container, may not have it.
const privsepDir = "/run/sshd"

// sshdConfig is the server's configuration: one loopback port, keys and
// authorized keys from the test's directory, public keys only. StrictModes
// is off because the test's directory belongs to whoever runs the test,
// and PAM is off because an unprivileged sshd cannot use it.
var sshdConfig = template.Must(template.New("sshd_config").Parse(`# Written by gordon's testbed.
ListenAddress {{.Addr}}
HostKey {{.HostKeyFile}}
PidFile {{.Dir}}/sshd.pid
AuthorizedKeysFile {{.AuthorizedKeys}}
AllowUsers {{.User}}
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 64:30:128
MaxSessions 64
LogLevel VERBOSE
`))

// SSHD is an OpenSSH server on 127.0.0.1, owned by one test. It runs as
// the user running the test, who is the only one it lets in, with the
// client key ClientKeyFile holds.
type SSHD struct {
	// Addr is the host:port clients dial.
	Addr string

	// Dir holds the server's config, keys and output.
	Dir string

	// User is the account clients log in as: the one running the test.
	User string

	// HostKey is the server's public host key.
	HostKey ssh.PublicKey

	// ClientKeyFile is an OpenSSH private key file, without passphrase,
	// that the server accepts for User; ClientKey is the same key.
	ClientKeyFile string
	ClientKey     ssh.Signer

	// AuthorizedKeys is the file of keys the server accepts.
	AuthorizedKeys string
}

// StartSSHD starts /usr/sbin/sshd in the foreground on a free loopback
// port, with a generated ed25519 host key and an ed25519 client key for
// the current user, and stops it when the test ends. Run as root it needs
// privsepDir, which it makes when missing; it fails the test, naming the
// package, when sshd is not installed.
func StartSSHD(t testing.TB) *SSHD {
	t.Helper()

	bin := requireBinary(t, "sshd", "openssh-server")
	bin, err := filepath.Abs(bin)
	if err != nil {
		t.Fatalf("sshd path: %v", err)
	}
	s := newSSHD(t)
	ensurePrivsepDir(t)
	path := writeTemplate(t, s.Dir, sshdConfig, s.configParams())

	// sshd re-executes itself for each connection, so it must be started
	// by its absolute path; -D keeps it in the foreground and -e sends its
	// log to the output file.
	p, err := startProcess(s.Dir, []string{bin, "-D", "-e", "-f", path})
	if err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	t.Cleanup(func() { s.showLog(t) })
	t.Cleanup(p.stop)

	if err := waitProcessListening(p, s.Addr); err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	return s
}

// newSSHD prepares the directory, the port and the keys.
func newSSHD(t testing.TB) *SSHD {
	t.Helper()

	me, err := user.Current()
	if err != nil {
		t.Fatalf("who runs the test: %v", err)
	}
	s := &SSHD{
		Dir:  t.TempDir(),
		User: me.Username,
		Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t))),
	}

	s.HostKey = NewSSHKey(t, filepath.Join(s.Dir, "host_ed25519")).PublicKey()
	s.ClientKeyFile = filepath.Join(s.Dir, "client_ed25519")
	s.ClientKey = NewSSHKey(t, s.ClientKeyFile)

	s.AuthorizedKeys = filepath.Join(s.Dir, "authorized_keys")
	s.Authorize(t, s.ClientKey.PublicKey())
	return s
}

// configParams are the values sshdConfig is rendered with.
func (s *SSHD) configParams() map[string]string {
	return map[string]string{
		"Addr":           s.Addr,
		"Dir":            s.Dir,
		"User":           s.User,
		"HostKeyFile":    filepath.Join(s.Dir, "host_ed25519"),
		"AuthorizedKeys": s.AuthorizedKeys,
	}
}

// Authorize makes keys the only ones the server accepts, from the next
// connection on: sshd reads the file at each login.
func (s *SSHD) Authorize(t testing.TB, keys ...ssh.PublicKey) {
	t.Helper()

	var lines []byte
	for _, k := range keys {
		lines = append(lines, ssh.MarshalAuthorizedKey(k)...)
	}
	if err := os.WriteFile(s.AuthorizedKeys, lines, 0o600); err != nil {
		t.Fatalf("writing authorized keys: %v", err)
	}
}

// KnownHosts writes a known_hosts file that names the server's address
// with key (its own HostKey, or another to play a changed server) and
// returns the file's path.
func (s *SSHD) KnownHosts(t testing.TB, key ssh.PublicKey) string {
	t.Helper()

	path := filepath.Join(t.TempDir(), "known_hosts")
	line := knownhosts.Line([]string{s.Addr}, key) + "\n"
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		t.Fatalf("writing known_hosts: %v", err)
	}
	return path
}

// NewSSHKey makes an ed25519 key, writes it without passphrase to path in
// OpenSSH's format, readable by its owner only as sshd and ssh insist,
// and returns it.
func NewSSHKey(t testing.TB, path string) ssh.Signer {
	t.Helper()

	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("making a key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "gordon-testbed")
	if err != nil {
		t.Fatalf("encoding a key: %v", err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatalf("writing a key: %v", err)
	}

	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("signer for a key: %v", err)
	}
	return signer
}

// ensurePrivsepDir makes privsepDir when sshd will run as root and it is
// missing: sshd refuses to start without it. An unprivileged sshd does
// not chroot and needs no such directory.
func ensurePrivsepDir(t testing.TB) {
	t.Helper()

	if os.Geteuid() != 0 {
		return
	}
	if err := os.MkdirAll(privsepDir, 0o755); err != nil {
		t.Fatalf("making sshd's privilege separation directory %s: %v", privsepDir, err)
	}
}

// waitProcessListening waits until addr accepts connections, and fails
// early when p exits first.
func waitProcessListening(p *process, addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	go func() {
		select {
		case <-p.exited:
			cancel()
		case <-ctx.Done():
		}
	}()

	err := WaitListening(ctx, addr)
	select {
	case <-p.exited:
		return fmt.Errorf("exited before listening on %s: %w", addr, p.exitError())
	default:
		return err
	}
}

// showLog shows the end of the server's output when the test failed.
func (s *SSHD) showLog(t testing.TB) {
	if t.Failed() {
		t.Logf("sshd %s:\n%s", outputFile, readTail(filepath.Join(s.Dir, outputFile), maxShown))
	}
}
