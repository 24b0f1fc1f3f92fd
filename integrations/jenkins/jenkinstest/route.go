package jenkinstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// answer is a response, made while the state is locked and written
// after it is unlocked.
type answer struct {
	code     int
	location string // a URL relative to the root, for 201 and 302
	json     []byte
	page     string // an HTML page's text, when json is nil
}

// write sends the answer.
func (a answer) write(w http.ResponseWriter, r *http.Request) {
	if a.location != "" {
		w.Header().Set("Location", baseURL(r)+a.location)
	}

	switch {
	case a.json != nil:
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(a.code)
		w.Write(a.json)
	case a.page != "":
		writePage(w, a.code, a.page)
	default:
		w.WriteHeader(a.code)
	}
}

// pageAnswer is an HTML page.
func pageAnswer(code int, format string, args ...any) answer {
	return answer{code: code, page: fmt.Sprintf(format, args...)}
}

// notFound is Jenkins' 404.
func notFound() answer {
	return pageAnswer(http.StatusNotFound, "Not Found")
}

// jsonAnswer writes v, cut to the request's tree= query when it has one.
func jsonAnswer(r *http.Request, v any) answer {
	if spec := r.Form.Get("tree"); spec != "" {
		fields, err := parseTree(spec)
		if err != nil {
			return pageAnswer(http.StatusBadRequest, "bad tree query %q", spec)
		}
		if v, err = applyTree(v, fields); err != nil {
			return pageAnswer(http.StatusInternalServerError, "%v", err)
		}
	}

	data, err := json.Marshal(v)
	if err != nil {
		return pageAnswer(http.StatusInternalServerError, "%v", err)
	}
	return answer{code: http.StatusOK, json: data}
}

// target is a request path cut into segments. Empty segments are
// dropped, so that gojenkins' "/job/x//5/api/json" reaches build 5, and
// a trailing api/json, even twice as in gojenkins' crumb request, marks an
// API request.
type target struct {
	segs []string
	api  bool
}

func parseTarget(path string) target {
	var t target
	for _, s := range strings.Split(path, "/") {
		if s != "" {
			t.segs = append(t.segs, s)
		}
	}

	for n := len(t.segs); n >= 2 && t.segs[n-2] == "api" && t.segs[n-1] == "json"; n = len(t.segs) {
		t.segs, t.api = t.segs[:n-2], true
	}
	return t
}

// is reports whether the path after its first skip segments is exactly
// want.
func (t target) is(skip int, want ...string) bool {
	if len(t.segs) != skip+len(want) {
		return false
	}
	for i, w := range want {
		if t.segs[skip+i] != w {
			return false
		}
	}
	return true
}

// route serves a request that passed authentication and faults.
func (s *Server) route(w http.ResponseWriter, r *http.Request, user string) {
	t := parseTarget(r.URL.Path)

	s.mu.Lock()
	s.advance()
	a := s.dispatch(r, t, user)
	s.mu.Unlock()

	a.write(w, r)
}

// dispatch answers by the first segment of the path.
func (s *Server) dispatch(r *http.Request, t target, user string) answer {
	depth, _ := strconv.Atoi(r.Form.Get("depth"))
	deep := r.Form.Get("tree") != "" || depth > 0
	rd := renderer{base: baseURL(r), deep: deep}
	if len(t.segs) == 0 {
		return s.page(r, t, func() any { return rd.root(s) }, "Jenkins simulator")
	}

	switch t.segs[0] {
	case "crumbIssuer":
		return crumb(r, t)
	case "queue":
		return s.queueAPI(r, t, rd)
	case "computer":
		return s.computerAPI(r, t, rd, user)
	case "label":
		return s.labelAPI(r, t, rd)
	case "job":
		return s.jobAPI(r, t, rd, user)
	}
	return notFound()
}

// page answers a GET: the JSON of render for an API request, otherwise
// an HTML page with text.
func (s *Server) page(r *http.Request, t target, render func() any, text string) answer {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return pageAnswer(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	if t.api {
		return jsonAnswer(r, render())
	}
	return pageAnswer(http.StatusOK, "%s (a Jenkins simulator: nothing is really built)", text)
}

// crumb answers the crumb issuer. Requests with an API token need no
// crumb, as in Jenkins 2.96 and later, but gojenkins asks for one before
// every POST.
func crumb(r *http.Request, t target) answer {
	if !t.is(0, "crumbIssuer") || !t.api || r.Method != http.MethodGet {
		return notFound()
	}
	return jsonAnswer(r, obj{
		"_class":            "hudson.security.csrf.DefaultCrumbIssuer",
		"crumb":             "5c8d62d3b8c7f1a0e3b4a9d2c6e1f7a8",
		"crumbRequestField": "Jenkins-Crumb",
	})
}

// mustPost answers 405 to anything but a POST, as Jenkins' @RequirePOST.
func mustPost(r *http.Request) (answer, bool) {
	if r.Method != http.MethodPost {
		return pageAnswer(http.StatusMethodNotAllowed, "This URL requires POST"), false
	}
	return answer{}, true
}

// number reads a positive decimal number.
func number(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}
