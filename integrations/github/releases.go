package github

import (
	"context"
	"fmt"
	"time"

	gh "github.com/google/go-github/v62/github"
)

// releasesPerPage is how many releases Releases reads: GitHub's largest
// page. A repository cuts a handful of releases a month, so the newest
// pre-release is always among them.
const releasesPerPage = 100

// opReleases names the call in the API metrics.
const opReleases = "releases"

// Release is a release of a repository as GitHub lists it.
type Release struct {
	// Tag is the git tag it was made from, "v24.0.0-rc.2".
	Tag  string
	Name string

	// Prerelease marks a release its maintainers called not ready for
	// production: a release candidate, a beta.
	Prerelease bool

	// Draft marks a release not published yet; only a token that may
	// push to the repository sees drafts.
	Draft bool

	// Published is when it was published; zero for a draft.
	Published time.Time

	// URL is its page on GitHub.
	URL string
}

// Releases returns the newest releases of repo ("owner/name"), in the
// order GitHub lists them, newest first: at most 100. A repository
// GitHub does not have, or the token may not see, is an error matching
// ErrNotFound.
func (c *Client) Releases(ctx context.Context, repo string) ([]Release, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return nil, err
	}

	opts := &gh.ListOptions{PerPage: releasesPerPage}
	got, _, err := c.gh.Repositories.ListReleases(withOp(ctx, opReleases), owner, name, opts)
	if err != nil {
		return nil, fmt.Errorf("list releases of %s: %w", repo, apiError(err))
	}

	out := make([]Release, 0, len(got))
	for _, r := range got {
		out = append(out, releaseOf(r))
	}
	return out, nil
}

func releaseOf(r *gh.RepositoryRelease) Release {
	return Release{
		Tag:        r.GetTagName(),
		Name:       r.GetName(),
		Prerelease: r.GetPrerelease(),
		Draft:      r.GetDraft(),
		Published:  r.GetPublishedAt().Time,
		URL:        r.GetHTMLURL(),
	}
}
