package githubtest

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Release is a release of a repository.
type Release struct {
	Tag  string
	Name string // empty: the tag

	Prerelease bool
	Draft      bool

	// Published is when it was published; a draft has none.
	Published time.Time

	// Target is the branch or commit it was tagged from; empty: master.
	Target string
}

// AddRelease adds a release to repo. The list answers newest first,
// as GitHub does: drafts, then by when they were published.
func (s *Server) AddRelease(fullName string, rel Release) {
	s.mu.Lock()
	defer s.mu.Unlock()

	r := s.repo(fullName)
	r.releases = append(r.releases, rel)
	slices.SortStableFunc(r.releases, newestFirst)
}

// newestFirst orders releases as GitHub lists them.
func newestFirst(a, b Release) int {
	if a.Draft != b.Draft {
		if a.Draft {
			return -1
		}
		return 1
	}
	return b.Published.Compare(a.Published)
}

// listReleases answers GET /repos/{owner}/{repo}/releases, a page at a
// time, with GitHub's Link header.
func (s *Server) listReleases(r *http.Request, rp *repo) answer {
	perPage, page := pageOf(r)
	start := min((page-1)*perPage, len(rp.releases))
	end := min(start+perPage, len(rp.releases))

	out := make([]any, 0, end-start)
	for i, rel := range rp.releases[start:end] {
		out = append(out, s.releaseJSON(r, rp, rel, int64(5000+start+i)))
	}
	a := answer{status: http.StatusOK, body: out, header: http.Header{}}
	if link := s.link(r, perPage, page, len(rp.releases)); link != "" {
		a.header.Set("Link", link)
	}
	return a
}

// releaseJSON is a release as the list writes it.
func (s *Server) releaseJSON(r *http.Request, rp *repo, rel Release, id int64) obj {
	name := cmp.Or(rel.Name, rel.Tag)
	apiURL := s.baseURL(r) + "repos/" + rp.fullName + "/releases/" + itoa(id)
	web := "https://github.com/" + rp.fullName
	var published any
	if !rel.Draft {
		published = rel.Published.UTC().Format(time.RFC3339)
	}
	return obj{
		"url":              apiURL,
		"assets_url":       apiURL + "/assets",
		"upload_url":       strings.Replace(apiURL, "://", "://uploads.", 1) + "/assets{?name,label}",
		"html_url":         web + "/releases/tag/" + rel.Tag,
		"id":               id,
		"author":           s.userJSON(r, "release-bot", 5151),
		"node_id":          "RE_kwDO" + itoa(id),
		"tag_name":         rel.Tag,
		"target_commitish": cmp.Or(rel.Target, "master"),
		"name":             name,
		"draft":            rel.Draft,
		"prerelease":       rel.Prerelease,
		"created_at":       rel.Published.Add(-time.Hour).UTC().Format(time.RFC3339),
		"published_at":     published,
		"assets":           []any{},
		"tarball_url":      s.baseURL(r) + "repos/" + rp.fullName + "/tarball/" + rel.Tag,
		"zipball_url":      s.baseURL(r) + "repos/" + rp.fullName + "/zipball/" + rel.Tag,
		"body":             "Release notes of " + name + ".",
	}
}
