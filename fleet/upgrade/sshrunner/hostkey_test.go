package sshrunner

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func TestAlgorithmsAreThoseKnownHostsHolds(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecPub, _ := ssh.NewPublicKey(&ec.PublicKey)
	rsaPub, _ := ssh.NewPublicKey(&rsaKey.PublicKey)

	path := filepath.Join(t.TempDir(), "known_hosts")
	lines := knownhosts.Line([]string{"10.0.0.3:2222"}, ecPub) + "\n" +
		knownhosts.Line([]string{"10.0.0.3:2222", "dm-3.ci"}, rsaPub) + "\n"
	if err := os.WriteFile(path, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := newHostKeys(Config{KnownHosts: path})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		addr string
		want []string
	}{
		{"10.0.0.3:2222", []string{ssh.KeyAlgoECDSA256, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}},
		{"dm-3.ci:22", []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}},
		{"10.0.0.4:22", nil},
	}
	for _, tt := range tests {
		_, algos, err := h.begin(tt.addr)
		if err != nil || !slices.Equal(algos, tt.want) {
			t.Errorf("algorithms for %s = %v, %v; want %v", tt.addr, algos, err, tt.want)
		}
	}

	insecure, _ := newHostKeys(Config{InsecureIgnoreHostKey: true})
	if _, algos, err := insecure.begin("10.0.0.3:2222"); err != nil || algos != nil {
		t.Errorf("insecure algorithms = %v, %v", algos, err)
	}
}
