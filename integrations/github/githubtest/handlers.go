package githubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// GitHub's limits that the fake keeps.
const (
	maxListedCommits = 250
	maxPerPage       = 100
	defaultPerPage   = 30
	maxDescription   = 140
)

// route answers a request to the API proper; s.mu is held.
func (s *Server) route(r *http.Request, path string) answer {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 4 || parts[0] != "repos" {
		return notFound()
	}
	rp, ok := s.repos[strings.ToLower(parts[1]+"/"+parts[2])]
	if !ok {
		return notFound()
	}

	rest := parts[3:]
	switch {
	case r.Method == http.MethodGet && len(rest) == 3 && rest[0] == "pulls" && rest[2] == "commits":
		return s.listCommits(r, rp, rest[1])
	case r.Method == http.MethodPost && len(rest) == 2 && rest[0] == "statuses":
		return s.createStatus(r, rp, rest[1])
	case r.Method == http.MethodPost && len(rest) == 3 && rest[0] == "issues" && rest[2] == "comments":
		return s.createComment(r, rp, rest[1])
	case r.Method == http.MethodGet && len(rest) == 3 && rest[0] == "collaborators" && rest[2] == "permission":
		return s.permission(r, rp, rest[1])
	case r.Method == http.MethodGet && len(rest) == 1 && rest[0] == "releases":
		return s.listReleases(r, rp)
	case r.Method == http.MethodGet && len(rest) >= 2 && rest[0] == "branches":
		// A branch name may hold slashes, "release/24.0".
		return s.branch(r, rp, strings.Join(rest[1:], "/"))
	}
	return notFound()
}

func notFound() answer {
	return answer{status: http.StatusNotFound, body: apiMessage("Not Found", "https://docs.github.com/rest")}
}

// invalid is GitHub's 422 for a field it refuses.
func invalid(resource, field, msg string) answer {
	return answer{status: http.StatusUnprocessableEntity, body: map[string]any{
		"message":           "Validation Failed",
		"errors":            []any{map[string]any{"resource": resource, "code": "custom", "field": field, "message": msg}},
		"documentation_url": "https://docs.github.com/rest",
	}}
}

// listCommits answers GET /repos/{owner}/{repo}/pulls/{number}/commits,
// a page at a time, with GitHub's Link header.
func (s *Server) listCommits(r *http.Request, rp *repo, num string) answer {
	n, err := strconv.Atoi(num)
	commits, ok := rp.pulls[n]
	if err != nil || !ok {
		return notFound()
	}
	commits = commits[:min(len(commits), maxListedCommits)]

	perPage, page := pageOf(r)
	start := min((page-1)*perPage, len(commits))
	end := min(start+perPage, len(commits))
	out := make([]any, 0, end-start)
	for _, c := range commits[start:end] {
		out = append(out, s.commitJSON(r, rp, c))
	}

	a := answer{status: http.StatusOK, body: out, header: http.Header{}}
	if link := s.link(r, perPage, page, len(commits)); link != "" {
		a.header.Set("Link", link)
	}
	return a
}

// pageOf reads per_page and page as GitHub does: bad values are the
// defaults.
func pageOf(r *http.Request) (perPage, page int) {
	perPage, err := strconv.Atoi(r.URL.Query().Get("per_page"))
	if err != nil || perPage < 1 {
		perPage = defaultPerPage
	}
	page, err = strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	return min(perPage, maxPerPage), page
}

// link writes the Link header of a page: next and last while there is
// a next, prev and first after the first page.
func (s *Server) link(r *http.Request, perPage, page, total int) string {
	last := max(1, (total+perPage-1)/perPage)
	ref := func(p int, rel string) string {
		return fmt.Sprintf(`<%s%s?per_page=%d&page=%d>; rel="%s"`,
			s.baseURL(r), strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, s.cfg.Prefix), "/"), perPage, p, rel)
	}

	var links []string
	if page < last {
		links = append(links, ref(page+1, "next"), ref(last, "last"))
	}
	if page > 1 {
		links = append(links, ref(page-1, "prev"), ref(1, "first"))
	}
	return strings.Join(links, ", ")
}

// createStatus answers POST /repos/{owner}/{repo}/statuses/{sha}.
func (s *Server) createStatus(r *http.Request, rp *repo, sha string) answer {
	var in struct {
		State       string `json:"state"`
		TargetURL   string `json:"target_url"`
		Description string `json:"description"`
		Context     string `json:"context"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return answer{status: http.StatusBadRequest, body: apiMessage("Problems parsing JSON", "https://docs.github.com/rest")}
	}

	switch {
	case in.State != "pending" && in.State != "success" && in.State != "failure" && in.State != "error":
		return invalid("Status", "state", "state is not included in the list")
	case utf8.RuneCountInString(in.Description) > maxDescription:
		return invalid("Status", "description", "description is too long (maximum is 140 characters)")
	}
	if !rp.hasCommit(sha) {
		return answer{status: http.StatusUnprocessableEntity, body: apiMessage("No commit found for SHA: "+sha,
			"https://docs.github.com/rest/commits/statuses#create-a-commit-status")}
	}
	if in.Context == "" {
		in.Context = "default"
	}

	st := Status{SHA: sha, State: in.State, Context: in.Context, Description: in.Description, TargetURL: in.TargetURL}
	rp.statuses = append(rp.statuses, st)
	return answer{status: http.StatusCreated, body: s.statusJSON(r, rp, st)}
}

// createComment answers POST /repos/{owner}/{repo}/issues/{number}/comments.
func (s *Server) createComment(r *http.Request, rp *repo, num string) answer {
	n, err := strconv.Atoi(num)
	if _, ok := rp.pulls[n]; err != nil || !ok {
		return notFound()
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Body == "" {
		return invalid("IssueComment", "body", "body cannot be blank")
	}

	c := Comment{Number: n, Body: in.Body}
	rp.comments = append(rp.comments, c)
	return answer{status: http.StatusCreated, body: s.commentJSON(r, rp, c)}
}

// permission answers GET
// /repos/{owner}/{repo}/collaborators/{username}/permission. A login the
// test gave no permission is a user GitHub does not know.
func (s *Server) permission(r *http.Request, rp *repo, login string) answer {
	role, ok := rp.permissions[strings.ToLower(login)]
	if !ok {
		return notFound()
	}

	legacy := map[string]string{"admin": "admin", "maintain": "write", "write": "write",
		"triage": "read", "read": "read"}[role]
	if legacy == "" {
		legacy = "none"
	}
	return answer{status: http.StatusOK, body: map[string]any{
		"permission": legacy,
		"role_name":  role,
		"user":       s.userJSON(r, login, 9000+int64(len(login))),
	}}
}
