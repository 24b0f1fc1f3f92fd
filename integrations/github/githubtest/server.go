package githubtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of Config.
const (
	defaultLimit  = 5000
	defaultWindow = time.Hour
)

// docsRateLimit is the documentation GitHub links from a rate limit
// refusal; go-github tells a secondary limit by the end of it.
const (
	docsRateLimit = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
	docsSecondary = docsRateLimit + "#about-secondary-rate-limits"
)

// Config sets up a Server.
type Config struct {
	// Token is the one token requests are taken with; empty takes any.
	Token string

	// Prefix is the path the API sits under: "" as on github.com,
	// "/api/v3" as on GitHub Enterprise Server.
	Prefix string

	// Limit is the requests of one rate limit window, zero 5000; Window
	// is its length, zero an hour.
	Limit  int
	Window time.Duration

	// Now is the fake's clock; nil is time.Now.
	Now func() time.Time
}

// Server is the fake API. Its methods are safe for concurrent use, also
// while it serves.
type Server struct {
	cfg Config

	mu        sync.Mutex
	repos     map[string]*repo // by lower-case owner/name
	requests  []Request
	faults    []*Fault
	remaining int
	reset     time.Time
	nextID    int64
}

// Request is a request the fake answered.
type Request struct {
	Method string
	Path   string // without the prefix
	Query  url.Values

	// Conditional is set when the request carried If-None-Match.
	Conditional bool

	// Status is the answer's status code.
	Status int
}

// Fault makes the fake refuse the requests it matches.
type Fault struct {
	// Method and Path match a request: an empty Method any method, and
	// Path a substring of the path without the prefix.
	Method string
	Path   string

	// Times is how many requests it refuses; zero is one.
	Times int

	// Secondary refuses with GitHub's secondary rate limit answer, and
	// a Retry-After of RetryAfter when that is not zero. Otherwise the
	// answer is Status with GitHub's error body.
	Secondary  bool
	RetryAfter time.Duration
	Status     int
}

// New returns a fake with no repositories and a full window.
func New(cfg Config) *Server {
	if cfg.Limit == 0 {
		cfg.Limit = defaultLimit
	}
	if cfg.Window == 0 {
		cfg.Window = defaultWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Server{cfg: cfg, repos: map[string]*repo{}, remaining: cfg.Limit,
		reset: cfg.Now().Add(cfg.Window), nextID: 1000}
}

// Requests returns the requests answered so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Exhaust uses up the rate limit window until reset, as a busy token
// does.
func (s *Server) Exhaust(reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remaining, s.reset = 0, reset
}

// AddFault switches a fault on; faults are tried in the order added.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times == 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// answer is a response to write: a status, a JSON value and headers.
type answer struct {
	status int
	body   any
	header http.Header
}

// ServeHTTP answers one request: the token, the faults, the rate limit,
// then the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, s.cfg.Prefix)
	if !ok {
		path = r.URL.Path
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.serve(r, path)
	s.write(w, r, a, !isRateLimit(r, path))
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Query: r.URL.Query(),
		Conditional: r.Header.Get("If-None-Match") != "", Status: a.status})
}

// serve decides the answer; s.mu is held.
func (s *Server) serve(r *http.Request, path string) answer {
	if a, ok := s.authenticate(r); !ok {
		return a
	}
	s.roll()
	if f := s.takeFault(r.Method, path); f != nil {
		return s.faulted(f)
	}
	if isRateLimit(r, path) {
		return s.rateLimit()
	}
	if s.remaining == 0 {
		return answer{status: http.StatusForbidden, body: apiMessage(
			"API rate limit exceeded for user ID 4242. If you reach out to GitHub Support "+
				"for help, please include the request ID.", docsRateLimit+"#primary-rate-limit")}
	}

	a := s.route(r, path)
	if a.status == http.StatusOK && r.Header.Get("If-None-Match") == etagOf(a.body) {
		return answer{status: http.StatusNotModified}
	}
	return a
}

// authenticate takes a request with the configured token.
func (s *Server) authenticate(r *http.Request) (answer, bool) {
	if s.cfg.Token == "" {
		return answer{}, true
	}

	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		token, ok = strings.CutPrefix(auth, "token ")
	}
	switch {
	case auth == "":
		return answer{status: http.StatusUnauthorized, body: apiMessage("Requires authentication",
			"https://docs.github.com/rest")}, false
	case !ok || token != s.cfg.Token:
		return answer{status: http.StatusUnauthorized, body: apiMessage("Bad credentials",
			"https://docs.github.com/rest")}, false
	}
	return answer{}, true
}

// roll starts a new window once the last one is over.
func (s *Server) roll() {
	if now := s.cfg.Now(); !now.Before(s.reset) {
		s.remaining, s.reset = s.cfg.Limit, now.Add(s.cfg.Window)
	}
}

// takeFault returns the first fault matching the request and uses one
// of its times.
func (s *Server) takeFault(method, path string) *Fault {
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == method) && strings.Contains(path, f.Path) {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// faulted is the answer of a fault.
func (s *Server) faulted(f *Fault) answer {
	if !f.Secondary {
		return answer{status: f.Status, body: apiMessage(http.StatusText(f.Status), "https://docs.github.com/rest")}
	}

	a := answer{status: http.StatusForbidden, header: http.Header{}, body: apiMessage(
		"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
		docsSecondary)}
	if f.RetryAfter > 0 {
		a.header.Set("Retry-After", strconv.Itoa(int(f.RetryAfter/time.Second)))
	}
	return a
}

// write sends a with the headers GitHub puts on every answer. Every
// answer but a 304 uses one request of the window, when counted.
func (s *Server) write(w http.ResponseWriter, r *http.Request, a answer, counted bool) {
	if counted && a.status != http.StatusNotModified && a.status != http.StatusUnauthorized && s.remaining > 0 {
		s.remaining--
	}

	h := w.Header()
	for name, values := range a.header {
		h[name] = values
	}
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("C0DE:%04X:%06X", s.nextID%0xffff, len(s.requests)))
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.cfg.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(s.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(s.cfg.Limit-s.remaining))
	h.Set("X-RateLimit-Resource", "core")

	if a.status == http.StatusNotModified {
		w.WriteHeader(a.status)
		return
	}
	body, _ := json.Marshal(a.body)
	h.Set("Content-Type", "application/json; charset=utf-8")
	if r.Method == http.MethodGet && a.status == http.StatusOK {
		h.Set("ETag", etagOf(a.body))
	}
	w.WriteHeader(a.status)
	_, _ = io.Copy(w, bytes.NewReader(body))
}

// etagOf is a strong ETag of a JSON value.
func etagOf(v any) string {
	body, _ := json.Marshal(v)
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// apiMessage is GitHub's error body.
func apiMessage(msg, docs string) map[string]any {
	return map[string]any{"message": msg, "documentation_url": docs}
}

// baseURL is the API root as the client reached it.
func (s *Server) baseURL(r *http.Request) string {
	return "http://" + r.Host + s.cfg.Prefix + "/"
}
