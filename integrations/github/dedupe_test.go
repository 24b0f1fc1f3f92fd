package github

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestRedeliveryIsAcknowledgedOnce(t *testing.T) {
	tests := []struct {
		name  string
		flush bool
	}{
		{"before the batch is written", false},
		{"after the batch is written", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, log := newSink(), newFakeLog()
			reg := prometheus.NewRegistry()
			r := newTestReceiver(t, testConfig(t, nil), Options{Log: log, Handler: out, Registerer: reg}, true)
			body := payload(t, "pull_request_opened.json")

			first := serve(r, delivery("pull_request", "d-redelivered", body, testSecret))
			out.next(t)
			if tt.flush {
				flush(t, r)
			}
			again := serve(r, formDelivery("pull_request", "d-redelivered", body, rotatedSecret))

			if first.StatusCode != http.StatusAccepted || again.StatusCode != http.StatusAccepted {
				t.Fatalf("statuses %d and %d, want 202 twice", first.StatusCode, again.StatusCode)
			}
			out.none(t)
			if n := testutil.ToFloat64(r.metrics.deliveries.WithLabelValues("pull_request", outcomeDuplicate)); n != 1 {
				t.Fatalf("duplicates counted %v, want 1", n)
			}
		})
	}
}

func TestRedeliveryIsRecognisedAfterRestart(t *testing.T) {
	log, body := newFakeLog(), payload(t, "push.json")

	before := newTestReceiver(t, testConfig(t, nil), Options{Log: log, Handler: newSink()}, false)
	if resp := serve(before, delivery("push", "d-restart", body, testSecret)); resp.StatusCode != 202 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	flush(t, before)

	out := newSink()
	after := newTestReceiver(t, testConfig(t, nil), Options{Log: log, Handler: out}, true)
	if resp := serve(after, delivery("push", "d-restart", body, testSecret)); resp.StatusCode != 202 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	out.none(t)
}

func TestIDsAreWrittenInBatches(t *testing.T) {
	log := newFakeLog()
	r := newTestReceiver(t, testConfig(t, nil), Options{Log: log, Handler: newSink()}, false)

	ids := []string{"d-batch-1", "d-batch-2", "d-batch-3"}
	for _, id := range ids {
		serve(r, delivery("push", id, payload(t, "push.json"), testSecret))
	}
	if _, ok := log.get(ids[0]); ok || log.records != 0 {
		t.Fatal("an announcement's id was written before the batch")
	}

	flush(t, r)
	for _, id := range ids {
		d, ok := log.get(id)
		if !ok || d.Event != "push" || d.Body != nil {
			t.Fatalf("%s recorded as %+v (%v)", id, d, ok)
		}
	}
	if log.records != 1 {
		t.Fatalf("%d writes, want one batch", log.records)
	}
}

func TestActionDeliveryIsDurableBeforeTheAnswer(t *testing.T) {
	log := newFakeLog()
	opts := Options{Log: log, Handler: newSink(),
		Durable: func(e Event) bool { return e.Type == "pull_request" }}
	r := newTestReceiver(t, testConfig(t, nil), opts, false)
	body := payload(t, "pull_request_opened.json")

	if resp := serve(r, delivery("pull_request", "d-action", body, testSecret)); resp.StatusCode != 202 {
		t.Fatalf("status %d", resp.StatusCode)
	}

	d, ok := log.get("d-action")
	if !ok || string(d.Body) != string(body) {
		t.Fatalf("action delivery not in the log with its body before the answer: %v", ok)
	}
}

func TestFailedBatchIsRetried(t *testing.T) {
	log := newFakeLog()
	log.failNext = errStore
	reg := prometheus.NewRegistry()
	r := newTestReceiver(t, testConfig(t, nil), Options{Log: log, Handler: newSink(), Registerer: reg}, false)
	serve(r, delivery("push", "d-retry", payload(t, "push.json"), testSecret))

	if err := r.Flush(context.Background()); !errors.Is(err, errStore) {
		t.Fatalf("first flush: %v, want the store's error", err)
	}
	resp := serve(r, delivery("push", "d-retry", payload(t, "push.json"), testSecret))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("redelivery while the batch waits: status %d", resp.StatusCode)
	}
	flush(t, r)

	if _, ok := log.get("d-retry"); !ok {
		t.Fatal("id lost after a failed write")
	}
	if n := testutil.ToFloat64(r.metrics.deliveries.WithLabelValues("push", outcomeDuplicate)); n != 1 {
		t.Fatalf("duplicates %v, want 1", n)
	}
}

func TestStoreFailures(t *testing.T) {
	tests := []struct {
		name     string
		breakLog func(*fakeLog)
		durable  bool
	}{
		{"lookup fails", func(l *fakeLog) { l.failSeen = errStore }, false},
		{"durable write fails", func(l *fakeLog) { l.failNext = errStore }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, out := newFakeLog(), newSink()
			tt.breakLog(log)
			opts := Options{Log: log, Handler: out, Durable: func(Event) bool { return tt.durable }}
			r := newTestReceiver(t, testConfig(t, nil), opts, true)

			resp := serve(r, delivery("push", "d-store", payload(t, "push.json"), testSecret))
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			out.none(t)

			// Once the store is back, GitHub's redelivery is taken.
			log.mu.Lock()
			log.failSeen = nil
			log.mu.Unlock()
			resp = serve(r, delivery("push", "d-store", payload(t, "push.json"), testSecret))
			if resp.StatusCode != http.StatusAccepted || out.next(t).Delivery != "d-store" {
				t.Fatalf("redelivery after recovery: status %d", resp.StatusCode)
			}
		})
	}
}

func TestRunPrunesOldIDs(t *testing.T) {
	log := newFakeLog()
	now := time.Date(2015, 6, 22, 12, 0, 0, 0, time.UTC)
	log.stored["d-old"] = Delivery{ID: "d-old", Received: now.Add(-8 * 24 * time.Hour)}
	log.stored["d-new"] = Delivery{ID: "d-new", Received: now.Add(-time.Hour)}

	opts := Options{Log: log, Handler: newSink(), Now: func() time.Time { return now }}
	newTestReceiver(t, testConfig(t, nil), opts, true)
	<-log.pruned

	if _, ok := log.get("d-old"); ok {
		t.Error("an id older than the retention was kept")
	}
	if _, ok := log.get("d-new"); !ok {
		t.Error("a recent id was pruned")
	}
	if want := now.Add(-DefaultRetention); !log.cutoffs[0].Equal(want) {
		t.Errorf("cutoff %s, want %s", log.cutoffs[0], want)
	}
}

func TestStopWritesTheLastBatchAndRefuses(t *testing.T) {
	log, out := newFakeLog(), newSink()
	r := newTestReceiver(t, testConfig(t, nil), Options{Log: log, Handler: out}, false)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	serve(r, delivery("push", "d-last", payload(t, "push.json"), testSecret))
	out.next(t)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}

	if _, ok := log.get("d-last"); !ok {
		t.Error("the last batch was not written on the way out")
	}
	resp := serve(r, delivery("push", "d-late", payload(t, "push.json"), testSecret))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after stop: status %d, want 503", resp.StatusCode)
	}
	if err := r.Run(context.Background()); !errors.Is(err, ErrStopped) {
		t.Errorf("second run: %v, want ErrStopped", err)
	}
}

func flush(t *testing.T, r *Receiver) {
	t.Helper()

	if err := r.Flush(context.Background()); err != nil {
		t.Fatalf("flush: %v", err)
	}
}
