package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gordonbot/gordon/integrations/github"
)

// mix is the deliveries the load is made of: what a busy repository
// sends, weighted toward pushes, pull requests and statuses.
var mix = []struct{ event, file string }{
	{"push", "push.json"},
	{"pull_request", "pull_request_opened.json"},
	{"status", "status_failure.json"},
	{"status", "status_success.json"},
	{"pull_request", "pull_request_synchronize.json"},
	{"check_run", "check_run_failure.json"},
	{"push", "push_forced.json"},
	{"pull_request", "pull_request_merged.json"},
	{"release", "release_prerelease.json"},
	{"issues", "issues_opened.json"},
}

// signed is a payload with its signature, computed once: the signature
// covers the body only, so every delivery of it can reuse it.
type signed struct {
	event     string
	body      []byte
	signature string
}

func loadMix(dir string) ([]signed, error) {
	out := make([]signed, len(mix))
	for i, m := range mix {
		body, err := os.ReadFile(filepath.Join(dir, m.file))
		if err != nil {
			return nil, fmt.Errorf("payload (run from the module root, or set -testdata): %w", err)
		}
		out[i] = signed{event: m.event, body: body, signature: github.Sign(secrets[1], body)}
	}
	return out, nil
}

// result is what the clients saw.
type result struct {
	latencies []time.Duration
	accepted  atomic.Int64
	duplicate atomic.Int64
	other     atomic.Int64
}

func runLoad(t *target, o options) error {
	payloads, err := loadMix(o.testdata)
	if err != nil {
		return err
	}

	cpu0 := cpuTime()
	start := time.Now()
	res := send(t.url, payloads, o)
	sent := time.Since(start)
	if err := t.waitHandled(res.accepted.Load(), time.Minute); err != nil {
		return err
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpu0

	if err := t.receiver.Flush(context.Background()); err != nil {
		return err
	}
	stored, err := t.db.List(context.Background(), "github/deliveries/")
	if err != nil {
		return err
	}
	report(o, res, sent, elapsed, cpu, len(stored), t)
	return checkStored(res, len(stored))
}

// send runs the clients until n deliveries have been answered.
func send(url string, payloads []signed, o options) *result {
	res := &result{latencies: make([]time.Duration, o.n)}
	client := &http.Client{Transport: &http.Transport{
		MaxIdleConns: o.clients, MaxIdleConnsPerHost: o.clients, DisableCompression: true,
	}}

	var next atomic.Int64
	var wg sync.WaitGroup
	for range o.clients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < o.n; i = int(next.Add(1) - 1) {
				res.latencies[i] = deliver(client, url, payloads, i, o.dup, res)
			}
		})
	}
	wg.Wait()
	return res
}

// deliver sends delivery i and counts its answer. Every 1/dup-th
// delivery repeats the ID of one sent a while before, as a redelivery.
func deliver(client *http.Client, url string, payloads []signed, i int, dup float64,
	res *result) time.Duration {
	p := payloads[i%len(payloads)]
	id := deliveryID(i)
	if every := int(1 / max(dup, 1e-9)); dup > 0 && i >= 1000 && i%every == 0 {
		id = deliveryID(i - 1000 + 1)
		p = payloads[(i-1000+1)%len(payloads)]
	}

	start := time.Now()
	status, text, err := post(client, url, p.event, id, p.body, p.signature)
	took := time.Since(start)
	switch {
	case err == nil && status == http.StatusAccepted && strings.HasPrefix(text, "accepted"):
		res.accepted.Add(1)
	case err == nil && status == http.StatusAccepted && strings.HasPrefix(text, "already"):
		res.duplicate.Add(1)
	case err == nil && status == http.StatusAccepted:
	default:
		res.other.Add(1)
	}
	return took
}

func deliveryID(i int) string {
	return fmt.Sprintf("bench-%08d-0000-11e3-81ab-4c9367dc0958", i)
}

// checkStored fails the run when an accepted ID did not reach the store.
func checkStored(res *result, stored int) error {
	if res.other.Load() > 0 {
		return fmt.Errorf("%d deliveries were refused or failed", res.other.Load())
	}
	routed := res.accepted.Load()
	if int64(stored) < routed {
		return fmt.Errorf("%d ids stored, but %d deliveries accepted", stored, routed)
	}
	return nil
}
