package sshrunner

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"testing"

	"golang.org/x/crypto/ssh"
)

// encryptedKey writes a new ed25519 key to path, encrypted with
// passphrase, and returns its public half.
func encryptedKey(t *testing.T, path, passphrase string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "test", []byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sshPub
}

func TestNewAuth(t *testing.T) {
	noEnv := func(string) string { return "" }
	if _, err := newAuth(Config{Agent: true}, noEnv); err == nil {
		t.Fatal("an agent with no socket anywhere was accepted")
	}

	a, err := newAuth(Config{Agent: true}, func(name string) string { return "/run/agent-" + name })
	if err != nil || a.agentSocket != "/run/agent-SSH_AUTH_SOCK" {
		t.Fatalf("agent socket from the environment = %q, %v", a.agentSocket, err)
	}

	if _, err := newAuth(Config{KeyFile: "/no/such/key"}, noEnv); err == nil {
		t.Fatal("a key file that is not there was accepted")
	}
}
