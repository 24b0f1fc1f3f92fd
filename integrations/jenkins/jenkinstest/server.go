package jenkinstest

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Config sets up a Server.
type Config struct {
	// User and Token are the credentials every request must carry, as
	// HTTP basic auth. Both empty lets anonymous requests in.
	User  string
	Token string

	// QuietPeriod is how long a new queue item waits before it may start.
	// Zero lets it start at the next request.
	QuietPeriod time.Duration

	// Now is the simulator's clock; nil means time.Now.
	Now func() time.Time

	// Version is sent in the X-Jenkins header; empty means "2.440.3".
	Version string
}

// Server is the simulated Jenkins. Its methods are safe for concurrent
// use, also while it serves.
type Server struct {
	cfg Config

	mu        sync.Mutex
	jobs      map[string]*job
	jobOrder  []string
	computers []*computer
	queue     []*queueItem // every item ever made, by id
	nextQueue int64
	faults    []*Fault
	requests  []Request
}

// New returns a simulator with no jobs and no agents.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Version == "" {
		cfg.Version = "2.440.3"
	}
	return &Server{cfg: cfg, jobs: map[string]*job{}, nextQueue: 101}
}

// Request is a request the simulator received.
type Request struct {
	Method string
	Path   string
	User   string

	// Form holds the query and, for a POST, the form body.
	Form url.Values
}

// Requests returns the requests that passed authentication so far, in
// order, faulted ones included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Posts returns the POST requests among Requests.
func (s *Server) Posts() []Request {
	var posts []Request
	for _, r := range s.Requests() {
		if r.Method == http.MethodPost {
			posts = append(posts, r)
		}
	}
	return posts
}

// ServeHTTP answers one request: authentication, faults, then the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Jenkins", s.cfg.Version)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}

	user, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	s.record(r, user)

	f, ok := s.takeFault(r)
	switch {
	case !ok:
		s.route(w, r, user)
	case f.Late:
		f.answerLate(w, r, func(w http.ResponseWriter) { s.route(w, r, user) })
	case f.answerNow(w, r):
		s.route(w, r, user)
	}
}

// authenticate checks basic auth as Jenkins does: no credentials are
// anonymous, refused with 403 when anonymous may not read; wrong ones
// are refused with 401.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	if s.cfg.User == "" && s.cfg.Token == "" {
		return "anonymous", true
	}

	user, token, ok := r.BasicAuth()
	if !ok {
		w.Header().Set("X-You-Are-Authenticated-As", "anonymous")
		w.Header().Set("X-Required-Permission", "hudson.model.Hudson.Read")
		writePage(w, http.StatusForbidden, "Authentication required")
		return "", false
	}

	good := subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.User)) == 1 &&
		subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.Token)) == 1
	if !good {
		w.Header().Set("WWW-Authenticate", `Basic realm="Jenkins"`)
		writePage(w, http.StatusUnauthorized, "Invalid password/token for user: "+user)
		return "", false
	}
	return user, true
}

// record keeps the request for Requests.
func (s *Server) record(r *http.Request, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, User: user, Form: r.Form})
}

// baseURL is the root URL that the simulator writes into its answers: the
// address the client used, over plain HTTP, where Jenkins writes its
// configured root URL.
func baseURL(r *http.Request) string {
	return "http://" + r.Host + "/"
}

// writePage answers with a short HTML page, as Jenkins does for errors
// and for pages that are not API.
func writePage(w http.ResponseWriter, code int, text string) {
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<html><head><title>Jenkins simulator</title></head><body><h2>%s</h2></body></html>\n",
		htmlEscape(text))
}

// htmlEscape escapes text for an HTML page.
func htmlEscape(text string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(text)
}

// redirect answers 302 to the URL ref, relative to the root.
func redirect(w http.ResponseWriter, r *http.Request, ref string) {
	w.Header().Set("Location", baseURL(r)+ref)
	w.WriteHeader(http.StatusFound)
}
