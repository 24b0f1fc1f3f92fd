package githubtest

import (
	"net/http"
	"strconv"
	"strings"
)

// obj is a JSON object as GitHub writes it.
type obj = map[string]any

// botLogin is the account the fake says wrote statuses and comments.
const botLogin = "gordon-bot"

// userJSON is a user as GitHub embeds one.
func (s *Server) userJSON(r *http.Request, login string, id int64) obj {
	return obj{
		"login":               login,
		"id":                  id,
		"node_id":             "U_kgDO" + strings.ToUpper(login),
		"avatar_url":          "https://avatars.githubusercontent.com/u/" + itoa(id) + "?v=4",
		"url":                 s.baseURL(r) + "users/" + login,
		"html_url":            "https://github.com/" + login,
		"type":                "User",
		"site_admin":          false,
		"gravatar_id":         "",
		"followers_url":       s.baseURL(r) + "users/" + login + "/followers",
		"repos_url":           s.baseURL(r) + "users/" + login + "/repos",
		"received_events_url": s.baseURL(r) + "users/" + login + "/received_events",
	}
}

// commitJSON is a commit as the pull request commits list writes it.
func (s *Server) commitJSON(r *http.Request, rp *repo, c Commit) obj {
	author, email := c.Author, c.Email
	if author == "" {
		author, email = "Bob Contributor", "bob@example.org"
	}
	login := strings.ToLower(strings.Fields(author)[0])
	repoURL := s.baseURL(r) + "repos/" + rp.fullName
	signature := obj{"name": author, "email": email, "date": s.stamp()}

	parents := make([]any, 0, len(c.Parents))
	for _, p := range c.Parents {
		parents = append(parents, obj{"sha": p, "url": repoURL + "/commits/" + p,
			"html_url": "https://github.com/" + rp.fullName + "/commit/" + p})
	}
	return obj{
		"sha":     c.SHA,
		"node_id": "C_kwDO" + c.SHA[:min(len(c.SHA), 12)],
		"commit": obj{
			"author":        signature,
			"committer":     signature,
			"message":       c.Message,
			"tree":          obj{"sha": reversed(c.SHA), "url": repoURL + "/git/trees/" + reversed(c.SHA)},
			"url":           repoURL + "/git/commits/" + c.SHA,
			"comment_count": 0,
			"verification":  obj{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil},
		},
		"url":          repoURL + "/commits/" + c.SHA,
		"html_url":     "https://github.com/" + rp.fullName + "/commit/" + c.SHA,
		"comments_url": repoURL + "/commits/" + c.SHA + "/comments",
		"author":       s.userJSON(r, login, 8834120),
		"committer":    s.userJSON(r, login, 8834120),
		"parents":      parents,
	}
}

// statusJSON is a status as creating one answers it.
func (s *Server) statusJSON(r *http.Request, rp *repo, st Status) obj {
	s.nextID++
	var target any
	if st.TargetURL != "" {
		target = st.TargetURL
	}
	return obj{
		"url":         s.baseURL(r) + "repos/" + rp.fullName + "/statuses/" + st.SHA,
		"avatar_url":  "https://avatars.githubusercontent.com/u/77777?v=4",
		"id":          s.nextID,
		"node_id":     "SC_kwDO" + itoa(s.nextID),
		"state":       st.State,
		"description": st.Description,
		"target_url":  target,
		"context":     st.Context,
		"created_at":  s.stamp(),
		"updated_at":  s.stamp(),
		"creator":     s.userJSON(r, botLogin, 77777),
	}
}

// commentJSON is a comment as creating one answers it.
func (s *Server) commentJSON(r *http.Request, rp *repo, c Comment) obj {
	s.nextID++
	issueURL := s.baseURL(r) + "repos/" + rp.fullName + "/issues/" + itoa(int64(c.Number))
	return obj{
		"url":                      s.baseURL(r) + "repos/" + rp.fullName + "/issues/comments/" + itoa(s.nextID),
		"html_url":                 "https://github.com/" + rp.fullName + "/pull/" + itoa(int64(c.Number)) + "#issuecomment-" + itoa(s.nextID),
		"issue_url":                issueURL,
		"id":                       s.nextID,
		"node_id":                  "IC_kwDO" + itoa(s.nextID),
		"user":                     s.userJSON(r, botLogin, 77777),
		"created_at":               s.stamp(),
		"updated_at":               s.stamp(),
		"author_association":       "NONE",
		"body":                     c.Body,
		"reactions":                obj{"url": issueURL + "/reactions", "total_count": 0, "+1": 0, "-1": 0},
		"performed_via_github_app": nil,
	}
}

// reversed makes a second SHA-like string from a first, for trees.
func reversed(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

func itoa(n int64) string {
	return strconv.FormatInt(n, 10)
}
