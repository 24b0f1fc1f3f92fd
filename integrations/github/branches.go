package github

import (
	"context"
	"fmt"
	"net/url"
	"time"

	gh "github.com/google/go-github/v62/github"
)

// opBranch names the call in the API metrics.
const opBranch = "branch"

// Branch is a branch and the commit at its head.
type Branch struct {
	Name string
	SHA  string

	// Committed is when the head commit was committed, which for a
	// merged pull request is when it was merged.
	Committed time.Time
}

// Branch returns the branch name of repo ("owner/name") with its head.
// A branch or repository GitHub does not have is an error matching
// ErrNotFound.
func (c *Client) Branch(ctx context.Context, repo, name string) (Branch, error) {
	owner, rname, err := splitRepo(repo)
	if err != nil {
		return Branch{}, err
	}

	// go-github's GetBranch reads the answer itself and turns a refusal
	// into a bare "unexpected status code", which would lose the
	// difference between a missing branch and a rate limit; its Do
	// keeps it.
	path := fmt.Sprintf("repos/%s/%s/branches/%s", owner, rname, url.PathEscape(name))
	req, err := c.gh.NewRequest("GET", path, nil)
	if err != nil {
		return Branch{}, fmt.Errorf("branch %s of %s: %w", name, repo, err)
	}
	var b gh.Branch
	if _, err := c.gh.Do(withOp(ctx, opBranch), req, &b); err != nil {
		return Branch{}, fmt.Errorf("branch %s of %s: %w", name, repo, apiError(err))
	}

	head := b.GetCommit()
	return Branch{
		Name:      b.GetName(),
		SHA:       head.GetSHA(),
		Committed: head.GetCommit().GetCommitter().GetDate().Time,
	}, nil
}
