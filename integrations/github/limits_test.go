package github

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestOversizedDeliveries(t *testing.T) {
	big := bytes.Repeat([]byte(" "), 4096)
	big = append(append([]byte("{"), big...), '}')

	tests := []struct {
		name    string
		chunked bool
	}{
		{"with content length", false},
		{"chunked, length unknown", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := newSink()
			cfg := testConfig(t, func(c *Config) { c.MaxBody = 1024 })
			r := newTestReceiver(t, cfg, Options{Log: newFakeLog(), Handler: out}, true)

			req := delivery("push", "d-big", big, testSecret)
			if tt.chunked {
				req.ContentLength = -1
				req.Body = io.NopCloser(struct{ io.Reader }{bytes.NewReader(big)})
			}
			if resp := serve(r, req); resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413", resp.StatusCode)
			}
			out.none(t)
			if n := r.budget.inUse(); n != 0 {
				t.Fatalf("%d bytes of the budget still taken", n)
			}
		})
	}
}

func TestFullQueueAnswers503AndTakesTheRedelivery(t *testing.T) {
	out := newSink()
	cfg := testConfig(t, func(c *Config) { c.QueueSize = 1 })
	r := newTestReceiver(t, cfg, Options{Log: newFakeLog(), Handler: out}, false)
	body := payload(t, "push.json")

	// Nothing handles events yet, so the second delivery finds the
	// queue full.
	if resp := serve(r, delivery("push", "d-queued", body, testSecret)); resp.StatusCode != 202 {
		t.Fatalf("first: status %d", resp.StatusCode)
	}
	resp := serve(r, delivery("push", "d-refused", body, testSecret))
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "10" {
		t.Fatalf("full queue: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	startReceiver(t, r)
	if e := out.next(t); e.Delivery != "d-queued" {
		t.Fatalf("handled %s", e.Delivery)
	}
	if resp := serve(r, delivery("push", "d-refused", body, testSecret)); resp.StatusCode != 202 {
		t.Fatalf("redelivery of the refused one: status %d", resp.StatusCode)
	}
	if e := out.next(t); e.Delivery != "d-refused" {
		t.Fatalf("handled %s", e.Delivery)
	}
}

func TestTruncatedInTransport(t *testing.T) {
	out := newSink()
	r := newTestReceiver(t, testConfig(t, nil), Options{Log: newFakeLog(), Handler: out}, true)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	// The client promises more bytes than it sends, then closes its
	// side: the read fails and nothing is handled.
	body := payload(t, "push.json")
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: gordon\r\nContent-Type: application/json\r\n"+
		"%s: push\r\n%s: d-cut\r\n%s: %s\r\nContent-Length: %d\r\n\r\n",
		Path, EventHeader, DeliveryHeader, SignatureHeader, Sign(testSecret, body), len(body))
	conn.Write(body[:len(body)/2])
	conn.(*net.TCPConn).CloseWrite()

	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
	out.none(t)
}

func TestOverHTTP(t *testing.T) {
	out := newSink()
	r := newTestReceiver(t, testConfig(t, nil), Options{Log: newFakeLog(), Handler: out}, true)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	req := delivery("release", "d-http", payload(t, "release_prerelease.json"), rotatedSecret)
	req.RequestURI = ""
	req.URL.Scheme, req.URL.Host = "http", strings.TrimPrefix(srv.URL, "http://")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusAccepted || readAll(resp) != "accepted" {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if e := out.next(t); e.Type != "release" {
		t.Fatalf("handled %s", e.Type)
	}
}

func TestBudgetWaitsForBytes(t *testing.T) {
	b := newBudget(100)
	got, err := b.acquire(context.Background(), 70)
	if err != nil || got != 70 {
		t.Fatalf("acquire: %d, %v", got, err)
	}

	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.acquire(done, 40); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire beyond the budget: %v, want to wait", err)
	}
	if b.waiting() != 0 || b.inUse() != 70 {
		t.Fatalf("a cancelled waiter left %d waiting, %d in use", b.waiting(), b.inUse())
	}

	waited := make(chan int64)
	go func() {
		n, _ := b.acquire(context.Background(), 500)
		waited <- n
	}()
	b.release(70)
	if n := <-waited; n != 100 {
		t.Fatalf("a request over the whole budget took %d, want all 100", n)
	}
}

func TestBudgetServesWaitersInOrder(t *testing.T) {
	b := newBudget(100)
	b.acquire(context.Background(), 90)

	// A large share waits; a small one that would fit must wait behind
	// it, or a stream of small deliveries could starve a large one.
	granted := make(chan int64, 2)
	go func() {
		n, _ := b.acquire(context.Background(), 60)
		granted <- n
	}()
	waitFor(t, func() bool { return b.waiting() == 1 })
	go func() {
		n, _ := b.acquire(context.Background(), 5)
		granted <- n
	}()
	waitFor(t, func() bool { return b.waiting() == 2 })
	if b.inUse() != 90 {
		t.Fatalf("the small share went ahead of the large one: %d in use", b.inUse())
	}

	b.release(90)
	if sum := <-granted + <-granted; sum != 65 || b.inUse() != 65 {
		t.Fatalf("granted %d, %d in use; want both, 65", sum, b.inUse())
	}
}

// waitFor polls cond until it holds; it fails the test after ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()

	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}
