package githubtest

import (
	"net/http"
	"net/url"
	"time"
)

// Branch is a branch of a repository and its head commit.
type Branch struct {
	Name string
	SHA  string

	// Message and Committed describe the head commit; a zero Committed
	// is the fake's clock.
	Message   string
	Committed time.Time
}

// SetBranch makes b.Name of repo point at b's commit, as a push does.
func (s *Server) SetBranch(fullName string, b Branch) {
	s.mu.Lock()
	defer s.mu.Unlock()

	r := s.repo(fullName)
	r.branches[b.Name] = b
	r.commits[b.SHA] = true
}

// branch answers GET /repos/{owner}/{repo}/branches/{branch}.
func (s *Server) branch(r *http.Request, rp *repo, name string) answer {
	b, ok := rp.branches[name]
	if !ok {
		return answer{status: http.StatusNotFound, body: apiMessage("Branch not found",
			"https://docs.github.com/rest/branches/branches#get-a-branch")}
	}
	return answer{status: http.StatusOK, body: s.branchJSON(r, rp, b)}
}

// branchJSON is a branch as getting one answers it, its head commit in
// full.
func (s *Server) branchJSON(r *http.Request, rp *repo, b Branch) obj {
	head := s.commitJSON(r, rp, Commit{SHA: b.SHA, Message: b.Message, Author: "Merge Bot",
		Email: "merge-bot@example.org"})
	if !b.Committed.IsZero() {
		inner := head["commit"].(obj)
		when := b.Committed.UTC().Format(time.RFC3339)
		inner["author"].(obj)["date"] = when
		inner["committer"] = obj{"name": "GitHub", "email": "noreply@github.com", "date": when}
	}

	self := s.baseURL(r) + "repos/" + rp.fullName + "/branches/" + url.PathEscape(b.Name)
	return obj{
		"name":   b.Name,
		"commit": head,
		"_links": obj{
			"self": self,
			"html": "https://github.com/" + rp.fullName + "/tree/" + b.Name,
		},
		"protected": true,
		"protection": obj{"enabled": true,
			"required_status_checks": obj{"enforcement_level": "non_admins", "contexts": []any{}}},
		"protection_url": self + "/protection",
	}
}
