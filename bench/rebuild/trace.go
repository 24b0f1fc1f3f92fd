package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// exchange is one HTTP request as gordon's end of the connection saw it.
type exchange struct {
	method string
	path   string
	begin  time.Time // handed to the transport
	wrote  time.Time // the request's last byte written to the socket
	answer time.Time // the answer's first byte read from it
	dialed bool      // on a new connection
}

// recorder collects the requests made with a context from its context
// method, in the order they start. It expects one rebuild at a time, so
// that its requests follow each other.
type recorder struct {
	mu sync.Mutex
	ex []exchange

	// dials counts the requests that needed a new connection.
	dials atomic.Int64
}

// recorderKey finds the recorder in a request's context.
type recorderKey struct{}

// watchRequests makes every later clone of http.DefaultTransport tell
// the recorder in a request's context that a request starts, with its
// method and path. gordon's Jenkins client makes its http.Client from a
// clone of the default transport and takes none from outside, and
// httptrace reports a request's instants without saying which request
// it is; the transport's Proxy function is the one hook that runs for
// every request with the request in hand. It answers "no proxy", which
// is what loopback gets anyway.
func watchRequests() {
	t := http.DefaultTransport.(*http.Transport)
	t.Proxy = func(req *http.Request) (*url.URL, error) {
		if r, ok := req.Context().Value(recorderKey{}).(*recorder); ok {
			r.begin(req.Method, req.URL.Path)
		}
		return nil, nil
	}
}

// context returns ctx carrying r, for requests and for their traces.
func (r *recorder) context(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, recorderKey{}, r)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn:              r.gotConn,
		WroteRequest:         r.wroteRequest,
		GotFirstResponseByte: r.gotFirstByte,
	})
}

func (r *recorder) gotConn(info httptrace.GotConnInfo) {
	if !info.Reused {
		r.dials.Add(1)
		r.mark(func(e *exchange) { e.dialed = true })
	}
}

// reset forgets the requests seen, keeping the room they took.
func (r *recorder) reset() {
	r.mu.Lock()
	r.ex = r.ex[:0]
	r.mu.Unlock()
}

func (r *recorder) begin(method, path string) {
	r.mu.Lock()
	r.ex = append(r.ex, exchange{method: method, path: path, begin: time.Now()})
	r.mu.Unlock()
}

// wroteRequest and gotFirstByte run on net/http's connection
// goroutines; each belongs to the request that started last, as the
// requests of one rebuild are made one after another.
func (r *recorder) wroteRequest(httptrace.WroteRequestInfo) {
	r.mark(func(e *exchange) { e.wrote = time.Now() })
}

func (r *recorder) gotFirstByte() {
	r.mark(func(e *exchange) { e.answer = time.Now() })
}

func (r *recorder) mark(set func(*exchange)) {
	r.mu.Lock()
	if n := len(r.ex); n > 0 {
		set(&r.ex[n-1])
	}
	r.mu.Unlock()
}

// maxPhases bounds the phases a span is cut into.
const maxPhases = 12

// span is a rebuild from its line to the POST to buildWithParameters
// leaving gordon, split into waiting on Jenkins and the rest.
type span struct {
	wall    time.Duration // line handed over to the POST written
	waiting time.Duration // answers to earlier requests awaited
	before  int           // requests before the POST

	// phases cut gordon's own time in the span, as phaseNames name
	// them: the line to the first request, then each answer to the next
	// request, then all the requests' writing. They add up to own.
	phases [maxPhases]time.Duration
}

// own is gordon's own time in the span.
func (s span) own() time.Duration {
	return s.wall - s.waiting
}

// span measures the span of the rebuild whose line was handed over at
// start. Each wait runs from a request's last byte written to its
// answer's first byte read: Jenkins' work, the loopback in both
// directions, and the scheduling that brings the answer in.
func (r *recorder) span(start time.Time) (span, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	post := slices.IndexFunc(r.ex, isPost)
	if post < 0 {
		return span{}, errors.New("no POST to buildWithParameters")
	}
	if post+2 > maxPhases {
		return span{}, fmt.Errorf("%d requests before the POST, more than the harness splits", post)
	}
	if r.ex[post].wrote.IsZero() {
		return span{}, errors.New("the POST to buildWithParameters was never written")
	}

	s := span{wall: r.ex[post].wrote.Sub(start), before: post}
	s.phases[0] = r.ex[0].begin.Sub(start)
	for i, e := range r.ex[:post] {
		if e.wrote.IsZero() || e.answer.IsZero() {
			return span{}, fmt.Errorf("%s %s: no answer seen", e.method, e.path)
		}
		s.waiting += e.answer.Sub(e.wrote)
		s.phases[i+1] = r.ex[i+1].begin.Sub(e.answer)
	}
	for _, e := range r.ex[:post+1] {
		s.phases[post+1] += e.wrote.Sub(e.begin)
	}
	return s, nil
}

// phaseNames names the phases of the spans measured since the last
// reset.
func (r *recorder) phaseNames() []string {
	r.mu.Lock()
	defer r.mu.Unlock()

	names := []string{"line to the first request"}
	for i, e := range r.ex {
		if isPost(e) || i+1 == len(r.ex) {
			break
		}
		next := clientKind(r.ex[i+1].path) + " request"
		if isPost(r.ex[i+1]) {
			next = "the POST"
		}
		names = append(names, clientKind(e.path)+" answer to "+next)
	}
	return append(names, "requests handed over until written")
}

func isPost(e exchange) bool {
	return e.method == http.MethodPost && strings.HasSuffix(e.path, "/buildWithParameters")
}

// clientKind names a request by its path, as kindOf does on the
// simulator's side.
func clientKind(path string) string {
	kinds := [][2]string{{"/queue", "queue"}, {"/computer", "agents"}, {"/crumbIssuer", "crumb"}, {"/job", "job"}}
	for _, k := range kinds {
		if strings.HasPrefix(path, k[0]) {
			return k[1]
		}
	}
	return path
}
