package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	gh "github.com/google/go-github/v62/github"
	"github.com/prometheus/client_golang/prometheus"
)

// retryAfter is the Retry-After, in seconds, of a 503.
const retryAfter = 10

// budgetWait bounds how long a delivery waits for memory to read its body
// into before it is answered 503; GitHub gives up on an answer after 10
// seconds.
const budgetWait = 5 * time.Second

// Errors of NewReceiver and Run, matched with errors.Is.
var (
	// ErrNoSecret means no webhook secret, or an empty one, was given.
	// gordon never serves webhooks it cannot authenticate.
	ErrNoSecret = errors.New("no webhook secret configured")

	// ErrStopped means the receiver has stopped taking deliveries.
	ErrStopped = errors.New("webhook receiver stopped")
)

// Options are the receiver's dependencies.
type Options struct {
	// Log records delivery IDs; required.
	Log DeliveryLog

	// Handler takes the accepted events; required.
	Handler EventHandler

	// Logger gets the receiver's log lines; nil discards them.
	Logger *slog.Logger

	// Registerer gets the receiver's metrics; nil leaves them
	// unregistered.
	Registerer prometheus.Registerer

	// Wants, when set, tells which event types are parsed and handed
	// on. Others, like types go-github does not know, are verified,
	// answered 202 and dropped.
	Wants func(eventType string) bool

	// Durable, when set, tells which events trigger an action: their
	// delivery, body included, is in the Log before the receiver
	// answers. Other delivery IDs are recorded in batches.
	Durable func(Event) bool

	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Receiver is the webhook endpoint: an http.Handler for Path, and the
// workers that hand accepted events on. Create it with NewReceiver, run
// it with Run, and mount it on a listener.
type Receiver struct {
	cfg     Config
	opts    Options
	log     *slog.Logger
	metrics *metrics
	verify  *verifier
	rec     *recorder
	budget  *budget
	known   map[string]bool

	events chan queued
	slots  chan struct{} // one token per event in events or about to be

	mu      sync.RWMutex
	stopped bool
	running bool
}

var _ http.Handler = (*Receiver)(nil)

// queued is an accepted event, the bytes of the budget it holds, and
// whether its delivery was written at once.
type queued struct {
	event   Event
	share   int64
	durable bool
}

// NewReceiver returns a receiver for cfg, after Defaults, which must
// hold at least one secret: without one it returns an error wrapping
// ErrNoSecret. A cfg that does not pass Validate is an error too.
func NewReceiver(cfg Config, opts Options) (*Receiver, error) {
	v, err := newVerifier(cfg.WebhookSecrets)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("webhook receiver config: %w", err)
	}
	if opts.Log == nil || opts.Handler == nil {
		return nil, errors.New("webhook receiver: a delivery log and a handler are required")
	}
	opts = withDefaults(opts)

	m := newMetrics(opts.Registerer)
	r := &Receiver{
		cfg: cfg, opts: opts, log: opts.Logger, metrics: m, verify: v,
		rec:    newRecorder(opts.Log, opts.Logger, m),
		budget: newBudget(budgetFor(cfg.MaxBody)),
		known:  knownTypes(),
		events: make(chan queued, cfg.QueueSize),
		slots:  make(chan struct{}, cfg.QueueSize),
	}
	return r, nil
}

func withDefaults(opts Options) Options {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Wants == nil {
		opts.Wants = func(string) bool { return true }
	}
	if opts.Durable == nil {
		opts.Durable = func(Event) bool { return false }
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return opts
}

// budgetFor returns the bytes of bodies held at once: one largest body
// and a quarter more. A delivery of max_body waits until the one before
// it has been handled, while small ones keep flowing beside it. Parsing
// about doubles what a body takes, so deliveries hold at most about three
// times max_body.
func budgetFor(maxBody int64) int64 {
	return maxBody + maxBody/4
}

// knownTypes returns the event types go-github can parse.
func knownTypes() map[string]bool {
	known := map[string]bool{}
	for _, t := range gh.MessageTypes() {
		known[t] = true
	}
	return known
}

// ServeHTTP takes one delivery and answers 202 when it is accepted, a
// duplicate or of an ignored type; 4xx when it is not a valid signed
// delivery; 503 with Retry-After when gordon cannot take it now.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	start := r.opts.Now()

	h, err := readHeaders(req)
	outcome := ""
	if err == nil {
		outcome, err = r.receive(w, req, h, start)
	}

	r.answer(w, req, h, outcome, err)
	r.metrics.answer.Observe(r.opts.Now().Sub(start).Seconds())
}

// receive reads, verifies and takes a delivery whose headers are fine,
// and returns its outcome. The body's share of the memory budget goes
// with the event into the queue, or back when the event does not.
func (r *Receiver) receive(w http.ResponseWriter, req *http.Request, h headers,
	start time.Time) (string, error) {
	if r.isStopped() {
		return "", r.busy(ErrStopped)
	}

	body, share, err := r.read(w, req)
	if err != nil {
		return "", err
	}

	ev := Event{Type: h.event, Delivery: h.delivery, HookID: h.hookID, Received: start}
	outcome, err := r.take(req.Context(), h, body, ev, share)
	if outcome != outcomeAccepted {
		r.giveBack(share)
	}
	return outcome, err
}

// read takes a share of the memory budget and reads the body into it,
// keeping only what the body needed.
func (r *Receiver) read(w http.ResponseWriter, req *http.Request) ([]byte, int64, error) {
	want := r.cfg.MaxBody
	if req.ContentLength >= 0 && req.ContentLength < want {
		want = req.ContentLength
	}

	ctx, cancel := context.WithTimeout(req.Context(), budgetWait)
	share, err := r.budget.acquire(ctx, want)
	cancel()
	if err != nil {
		return nil, 0, r.busy(fmt.Errorf("waiting for memory to read the body: %w", err))
	}
	r.metrics.bodyBytes.Set(float64(r.budget.inUse()))

	body, err := readBody(w, req, r.cfg.MaxBody)
	if err != nil {
		r.giveBack(share)
		return nil, 0, err
	}

	used := min(int64(len(body)), share)
	r.giveBack(share - used)
	return body, used, nil
}

func (r *Receiver) giveBack(n int64) {
	r.budget.release(n)
	r.metrics.bodyBytes.Set(float64(r.budget.inUse()))
}

// take verifies and parses the body, drops a redelivery and queues the
// event. Only a result of outcomeAccepted keeps the budget share.
func (r *Receiver) take(ctx context.Context, h headers, body []byte, ev Event,
	share int64) (string, error) {
	if err := r.verify.verify(h.signature, body); err != nil {
		return "", reject(http.StatusUnauthorized, outcomeUnsigned, err)
	}

	payload, err := payloadOf(h.mediaType, body)
	if err != nil {
		return "", err
	}
	if h.event == "ping" {
		r.logPing(payload, h)
		return outcomeIgnored, nil
	}
	if !r.known[h.event] || !r.opts.Wants(h.event) {
		return outcomeIgnored, nil
	}

	ev.Payload, err = gh.ParseWebHook(h.event, payload)
	if err != nil {
		return "", badBody("parsing "+h.event+" payload", err)
	}
	return r.enqueue(ctx, ev, body, share)
}

// enqueue claims the delivery ID and queues ev. A slot in the queue is
// reserved first, so that an ID is never recorded for an event that then
// finds the queue full.
func (r *Receiver) enqueue(ctx context.Context, ev Event, body []byte,
	share int64) (string, error) {
	select {
	case r.slots <- struct{}{}:
	default:
		return "", r.busy(fmt.Errorf("queue full: %d events waiting", cap(r.slots)))
	}

	durable := r.opts.Durable(ev)
	outcome, err := r.claim(ctx, ev, body, durable)
	if err != nil || outcome != outcomeAccepted {
		<-r.slots
		return outcome, err
	}

	if !r.push(queued{event: ev, share: share, durable: durable}) {
		<-r.slots
		r.rec.release(ev.Delivery)
		return "", r.busy(ErrStopped)
	}
	return outcomeAccepted, nil
}

// claim dedupes ev's delivery ID. The delivery of an event that triggers
// an action is written at once, body and all; another is committed for
// the next batch by push.
func (r *Receiver) claim(ctx context.Context, ev Event, body []byte, durable bool) (string, error) {
	err := r.rec.claim(ctx, ev.Delivery)
	switch {
	case errors.Is(err, ErrDuplicate):
		return outcomeDuplicate, nil
	case errors.Is(err, ErrBacklog):
		return "", r.busy(err)
	case err != nil:
		return "", reject(http.StatusServiceUnavailable, outcomeStoreFailed, err)
	}
	if !durable {
		return outcomeAccepted, nil
	}

	d := Delivery{ID: ev.Delivery, Event: ev.Type, Received: ev.Received, Body: body}
	if err := r.rec.recordNow(ctx, d); err != nil {
		return "", reject(http.StatusServiceUnavailable, outcomeStoreFailed, err)
	}
	return outcomeAccepted, nil
}

// push puts an event in the queue, whose slot is already reserved, and
// commits its delivery ID for the next batch; false when the receiver
// has stopped. Both happen under the lock that stop takes, so the last
// batch written after stop holds every ID that was accepted.
func (r *Receiver) push(q queued) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()

	if r.stopped {
		return false
	}
	r.events <- q
	if !q.durable {
		ev := q.event
		r.rec.commit(Delivery{ID: ev.Delivery, Event: ev.Type, Received: ev.Received})
	}
	r.metrics.queued.Set(float64(len(r.events)))
	return true
}

func (r *Receiver) busy(err error) error {
	return reject(http.StatusServiceUnavailable, outcomeBusy, err)
}

func (r *Receiver) isStopped() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()

	return r.stopped
}

// logPing notes the ping GitHub sends when a webhook is created.
func (r *Receiver) logPing(payload []byte, h headers) {
	var ping struct {
		Zen string `json:"zen"`
	}
	_ = json.Unmarshal(payload, &ping)
	r.log.Info("github webhook ping", keyHook, h.hookID, keyDelivery, h.delivery, keyZen, ping.Zen)
}
