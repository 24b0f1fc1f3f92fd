package github

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestServerOverTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	cfg := testConfig(t, func(c *Config) {
		c.Listen, c.TLSCert, c.TLSKey = "127.0.0.1:0", certFile, keyFile
	})
	out := newSink()
	r := newTestReceiver(t, cfg, Options{Log: newFakeLog(), Handler: out}, true)

	srv, err := NewServer(cfg, r, nil)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req := delivery("push", "d-tls", payload(t, "push.json"), testSecret)
	req.RequestURI = ""
	req.URL.Scheme, req.URL.Host = "https", srv.Addr().String()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("post over tls: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || out.next(t).Delivery != "d-tls" {
		t.Fatalf("status %d", resp.StatusCode)
	}

	cancel()
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
}

func TestServerRefusesAMissingCertificate(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, func(c *Config) {
		c.Listen = "127.0.0.1:0"
		c.TLSCert, c.TLSKey = filepath.Join(dir, "none.pem"), filepath.Join(dir, "none.key")
	})
	if _, err := NewServer(cfg, http.NotFoundHandler(), nil); err == nil {
		t.Fatal("a server started without its certificate")
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key to a temp
// directory and returns their paths and a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "gordon webhooks"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "hook.pem"), filepath.Join(dir, "hook.key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", keyDER)

	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()

	data := pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
