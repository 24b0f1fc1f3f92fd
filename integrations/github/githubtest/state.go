package githubtest

import (
	"slices"
	"strings"
	"time"
)

// Commit is a commit of a pull request.
type Commit struct {
	SHA     string
	Message string

	// Author and Email name its author; empty gives a made-up one.
	Author string
	Email  string

	// Parents are the SHAs of its parents; two or more make a merge.
	Parents []string
}

// Status is a commit status that was set.
type Status struct {
	SHA         string
	State       string
	Context     string
	Description string
	TargetURL   string
}

// Comment is a comment that was made on an issue or pull request.
type Comment struct {
	Number int
	Body   string
}

// repo is a repository of the fake.
type repo struct {
	fullName    string
	pulls       map[int][]Commit
	commits     map[string]bool   // every commit ever pushed, as GitHub keeps them
	permissions map[string]string // by lower-case login
	statuses    []Status
	comments    []Comment
	releases    []Release
	branches    map[string]Branch
}

// AddRepo adds the repository owner/name, with no pull requests.
func (s *Server) AddRepo(fullName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repos[strings.ToLower(fullName)] = &repo{fullName: fullName, pulls: map[int][]Commit{},
		commits: map[string]bool{}, permissions: map[string]string{}, branches: map[string]Branch{}}
}

// SetPull makes pull request number of repo hold commits, oldest first,
// in place of what it held. The commits it held stay in the repository,
// with their statuses, as after a force push.
func (s *Server) SetPull(fullName string, number int, commits []Commit) {
	s.mu.Lock()
	defer s.mu.Unlock()

	r := s.repo(fullName)
	r.pulls[number] = slices.Clone(commits)
	for _, c := range commits {
		r.commits[c.SHA] = true
	}
}

// SetPermission gives user a permission on repo: admin, maintain, write,
// triage, read or none.
func (s *Server) SetPermission(fullName, user, permission string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repo(fullName).permissions[strings.ToLower(user)] = permission
}

// Statuses returns the statuses set on sha of repo, in order.
func (s *Server) Statuses(fullName, sha string) []Status {
	s.mu.Lock()
	defer s.mu.Unlock()

	var out []Status
	for _, st := range s.repo(fullName).statuses {
		if st.SHA == sha {
			out = append(out, st)
		}
	}
	return out
}

// Latest returns the last status of each context set on sha of repo,
// by context: what GitHub shows on the pull request.
func (s *Server) Latest(fullName, sha string) map[string]Status {
	latest := map[string]Status{}
	for _, st := range s.Statuses(fullName, sha) {
		latest[st.Context] = st
	}
	return latest
}

// Comments returns the comments made on number of repo, in order.
func (s *Server) Comments(fullName string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()

	var out []Comment
	for _, c := range s.repo(fullName).comments {
		if c.Number == number {
			out = append(out, c)
		}
	}
	return out
}

// repo returns the repository named fullName, which a test added;
// s.mu is held.
func (s *Server) repo(fullName string) *repo {
	r, ok := s.repos[strings.ToLower(fullName)]
	if !ok {
		panic("githubtest: no repository " + fullName + "; add it with AddRepo")
	}
	return r
}

// hasCommit reports whether sha was ever pushed to r.
func (r *repo) hasCommit(sha string) bool {
	return r.commits[sha]
}

// stamp is the time the fake writes into objects it makes.
func (s *Server) stamp() string {
	return s.cfg.Now().UTC().Format(time.RFC3339)
}
