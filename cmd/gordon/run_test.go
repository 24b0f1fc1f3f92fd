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
	path := writeConfig(t, strings.Replace(exampleConfig(t), `listen = "127.0.0.1:9090"`,
		fmt.Sprintf("listen = %q", addr), 1))

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
