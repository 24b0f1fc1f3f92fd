package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/internal/testbed"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestRunServesAndStopsOnSignal runs gordon in this process, reads its
// health and metrics, then sends SIGTERM and expects a clean exit 0.
func TestRunServesAndStopsOnSignal(t *testing.T) {
	addr := freeAddr(t)
	path := writeConfig(t, withAddrs(exampleConfig(t), freeAddr(t), addr))

	var errOut bytes.Buffer
	exit := make(chan int, 1)
	go func() { exit <- realMain([]string{"run", "-config", path}, nil, io.Discard, &errOut) }()

	body := waitHTTP(t, "http://"+addr+"/healthz", exit)
	if strings.TrimSpace(body) != "ok" {
		t.Fatalf("healthz said %q", body)
	}
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz without IRC: %d, want 503", resp.StatusCode)
	}
	if metrics := waitHTTP(t, "http://"+addr+"/metrics", exit); !strings.Contains(metrics, "go_goroutines") {
		t.Fatalf("metrics lack the Go collector:\n%.300s", metrics)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("exit %d after SIGTERM: %s", code, &errOut)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("gordon did not stop on SIGTERM")
	}
}

// withAddrs points a config at an IRC server and an HTTP listen address.
func withAddrs(cfg, irc, listen string) string {
	cfg = strings.Replace(cfg, `server = "127.0.0.1:6667"`, fmt.Sprintf("server = %q", irc), 1)
	return strings.Replace(cfg, `listen = "127.0.0.1:9090"`, fmt.Sprintf("listen = %q", listen), 1)
}

// TestRunOnIRC runs gordon as `gordon run` against a real ngircd: it
// becomes ready, answers in the channel, and on SIGTERM quits with its
// reason and exits 0.
func TestRunOnIRC(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	addr := freeAddr(t)
	path := writeConfig(t, withAddrs(exampleConfig(t), srv.Addr, addr))

	var errOut bytes.Buffer
	exit := make(chan int, 1)
	go func() { exit <- realMain([]string{"run", "-config", path}, nil, io.Discard, &errOut) }()

	alice := testbed.Dial(t, srv.Addr, "alice")
	alice.Join(t, "#fleet")
	waitHTTP(t, "http://"+addr+"/readyz", exit)
	alice.Say("#fleet", "!whoami")
	alice.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool {
		return strings.Contains(s, "role: maintainer alice")
	}, 10*time.Second)

	// A signed push to master is announced in the channel its route names.
	if code := postWebhook(t, "http://"+addr+github.Path, "push", "../../integrations/github/testdata/push.json"); code != http.StatusAccepted {
		t.Fatalf("webhook answered %d, want 202", code)
	}
	alice.WaitPrivmsg(t, "gordon", "#fleet", func(s string) bool {
		return strings.Contains(s, "docker/docker") && strings.Contains(s, "master")
	}, 10*time.Second)

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("exit %d after SIGTERM: %s", code, &errOut)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("gordon did not stop on SIGTERM")
	}
	if !strings.Contains(errOut.String(), "irc quitting") {
		t.Fatalf("gordon should quit IRC on the way out; log:\n%s", &errOut)
	}
}

// postWebhook sends the payload in file as GitHub would, signed with the
// secret the example config reads, and returns the status.
func postWebhook(t *testing.T, url, event, file string) int {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(github.EventHeader, event)
	req.Header.Set(github.DeliveryHeader, "test-delivery-1")
	req.Header.Set(github.SignatureHeader, github.Sign(os.Getenv("GITHUB_WEBHOOK_SECRET"), body))

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitHTTP polls url until it answers 200 and returns the body; it fails
// the test if gordon exits first.
func waitHTTP(t *testing.T, url string, exit <-chan int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-exit:
			t.Fatalf("gordon exited with %d before serving", code)
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return string(data)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never answered", url)
	return ""
}
