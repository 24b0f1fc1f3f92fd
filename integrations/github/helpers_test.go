package github

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Secrets of the test webhook: the current one and the one being
// rotated in.
const (
	testSecret    = "It's a Secret to Everybody"
	rotatedSecret = "a-new-secret-while-rotating"
)

// fakeLog is a DeliveryLog in memory that records its calls.
type fakeLog struct {
	mu       sync.Mutex
	stored   map[string]Delivery
	records  int // calls to Record
	failSeen error
	failNext error // returned by the next Record, then cleared
	cutoffs  []time.Time
	pruned   chan struct{}
}

var _ DeliveryLog = (*fakeLog)(nil)

func newFakeLog() *fakeLog {
	return &fakeLog{stored: map[string]Delivery{}, pruned: make(chan struct{}, 16)}
}

func (l *fakeLog) Seen(ctx context.Context, id string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if l.failSeen != nil {
		return false, l.failSeen
	}
	_, ok := l.stored[id]
	return ok, nil
}

func (l *fakeLog) Record(ctx context.Context, ds []Delivery) error {
	l.mu.Lock()
	defer l.mu.Unlock()

	l.records++
	if err := l.failNext; err != nil {
		l.failNext = nil
		return err
	}
	for _, d := range ds {
		l.stored[d.ID] = d
	}
	return nil
}

func (l *fakeLog) Prune(ctx context.Context, cutoff time.Time) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	n := 0
	for id, d := range l.stored {
		if d.Received.Before(cutoff) {
			delete(l.stored, id)
			n++
		}
	}
	l.cutoffs = append(l.cutoffs, cutoff)
	l.pruned <- struct{}{}
	return n, nil
}

func (l *fakeLog) get(id string) (Delivery, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()

	d, ok := l.stored[id]
	return d, ok
}

// sink is an EventHandler that passes every event to a channel.
type sink struct {
	events chan Event
}

func newSink() *sink {
	return &sink{events: make(chan Event, 256)}
}

func (s *sink) HandleEvent(ctx context.Context, e Event) error {
	s.events <- e
	return nil
}

// next returns the next event handled; it fails the test when none comes.
func (s *sink) next(t *testing.T) Event {
	t.Helper()

	select {
	case e := <-s.events:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event was handled")
		return Event{}
	}
}

// none fails the test if an event was handled.
func (s *sink) none(t *testing.T) {
	t.Helper()

	select {
	case e := <-s.events:
		t.Fatalf("handled %s delivery %s, want none", e.Type, e.Delivery)
	default:
	}
}

// testConfig returns a validated config with both secrets.
func testConfig(t *testing.T, edit func(*Config)) Config {
	t.Helper()

	c := Config{WebhookSecrets: []string{testSecret, rotatedSecret}}
	c.Defaults()
	if edit != nil {
		edit(&c)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("test config: %v", err)
	}
	return c
}

// newTestReceiver returns a receiver on a fake log. With run it also
// runs, until the test ends.
func newTestReceiver(t *testing.T, cfg Config, opts Options, run bool) *Receiver {
	t.Helper()

	r, err := NewReceiver(cfg, opts)
	if err != nil {
		t.Fatalf("new receiver: %v", err)
	}
	if run {
		startReceiver(t, r)
	}
	return r
}

// startReceiver runs r until the test ends.
func startReceiver(t *testing.T, r *Receiver) {
	t.Helper()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
}

// payload reads a captured delivery body from testdata.
func payload(t testing.TB, name string) []byte {
	t.Helper()

	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("reading payload: %v", err)
	}
	return b
}

// delivery builds a request as GitHub sends it: JSON body, signed with
// secret, with the headers a repository webhook carries.
func delivery(event, id string, body []byte, secret string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, Path, bytes.NewReader(body))
	req.Header.Set("User-Agent", "GitHub-Hookshot/6f3a1c2")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(EventHeader, event)
	req.Header.Set(DeliveryHeader, id)
	req.Header.Set(HookIDHeader, "5220341")
	req.Header.Set("X-GitHub-Hook-Installation-Target-Type", "repository")
	req.Header.Set("X-GitHub-Hook-Installation-Target-ID", "7691631")
	req.Header.Set("X-Hub-Signature", "sha1=0000000000000000000000000000000000000000")
	req.Header.Set(SignatureHeader, Sign(secret, body))
	return req
}

// formDelivery is delivery with the form-encoded content type, signed
// over the form body as GitHub does.
func formDelivery(event, id string, body []byte, secret string) *http.Request {
	form := []byte("payload=" + url.QueryEscape(string(body)))
	req := delivery(event, id, form, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// serve runs one request through h and returns the response.
func serve(h http.Handler, req *http.Request) *http.Response {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Result()
}

// errStore is the failure the fake log reports.
var errStore = errors.New("disk on fire")
