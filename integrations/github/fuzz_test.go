package github

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// FuzzReceiver posts correctly signed bodies of any shape, under any
// event type and either content type, and checks that the receiver never
// panics and answers only with a status it documents.
func FuzzReceiver(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("push", false, body)
		f.Add("pull_request", true, body)
	}
	f.Add("release", false, []byte(`{"release":{"prerelease":"yes"}}`))
	f.Add("status", true, []byte("payload=%7B%22branches%22%3A%5Bnull%5D%7D"))
	f.Add("check_run", false, []byte("null"))

	drop := HandlerFunc(func(context.Context, Event) error { return nil })
	cfg := Config{WebhookSecrets: []string{testSecret}, MaxBody: 1 << 20}
	cfg.Defaults()
	r, err := NewReceiver(cfg, Options{Log: newFakeLog(), Handler: drop})
	if err != nil {
		f.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	f.Cleanup(func() { cancel(); <-done })

	allowed := map[int]bool{
		http.StatusAccepted: true, http.StatusBadRequest: true,
		http.StatusRequestEntityTooLarge: true, http.StatusServiceUnavailable: true,
	}
	n := 0
	f.Fuzz(func(t *testing.T, event string, form bool, body []byte) {
		n++
		build := delivery
		if form {
			build = formDelivery
		}
		req := build("push", "fuzz-"+strconv.Itoa(n), body, testSecret)
		req.Header.Set(EventHeader, event)

		resp := serve(r, req)
		if !allowed[resp.StatusCode] {
			t.Fatalf("event %q: status %d: %s", event, resp.StatusCode, readAll(resp))
		}
	})
}
