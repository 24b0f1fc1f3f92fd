package jenkinstest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// Fault makes the simulator misbehave for the requests it matches.
type Fault struct {
	// Method and Path select the requests: the method, and a prefix of
	// the path. Empty matches every request.
	Method string
	Path   string

	// Status answers with this HTTP status (and an HTML page) instead of
	// doing anything. Zero answers normally.
	Status int

	// Delay waits this long before answering, or until the client gives
	// up, in which case nothing is done.
	Delay time.Duration

	// Late does the request first and waits Delay only before the
	// answer, so that a client that gives up has had it done anyway.
	Late bool

	// Count is how many requests the fault applies to; zero is every one
	// until ClearFaults.
	Count int
}

// AddFault switches a fault on. Faults are tried in the order added; a
// request meets at most one.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults switches every fault off.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching r, counting it as used.
func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	for i, f := range s.faults {
		if !f.matches(r) {
			continue
		}
		if f.Count == 1 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		} else if f.Count > 1 {
			f.Count--
		}
		return *f, true
	}
	return Fault{}, false
}

// matches reports whether the fault applies to r.
func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.Path)
}

// answerNow waits the delay and answers the status, and reports whether
// the request is still to be served.
func (f Fault) answerNow(w http.ResponseWriter, r *http.Request) bool {
	if !wait(r, f.Delay) {
		return false
	}
	if f.Status != 0 {
		writePage(w, f.Status, http.StatusText(f.Status))
		return false
	}
	return true
}

// answerLate serves the request at once through serve and sends the
// answer after the delay, if the client still waits.
func (f Fault) answerLate(w http.ResponseWriter, r *http.Request, serve func(http.ResponseWriter)) {
	rec := httptest.NewRecorder()
	serve(rec)
	if !wait(r, f.Delay) {
		return
	}

	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// wait sleeps d, and reports false when the client went away first.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}

	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
