package versions

import (
	"context"
	"fmt"

	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/integrations/github"
)

// tagged is a release whose tag is a version.
type tagged struct {
	github.Release
	version string
}

// newestRC reads the releases and picks the newest pre-release, which
// must be newer than the newest release.
func (s *Source) newestRC(ctx context.Context) (upgrade.Resolved, error) {
	repo := s.rc.Repo
	releases, err := s.gh.Releases(ctx, repo)
	if err != nil {
		return upgrade.Resolved{}, s.failed(upgrade.TargetRC, repo, err,
			fmt.Sprintf("GitHub has no repository %s, or the token may not see it", repo))
	}

	pre, rel := newest(releases)
	switch {
	case pre == nil && rel == nil:
		return upgrade.Resolved{}, &upgrade.RequestError{Reason: fmt.Sprintf(
			"%s has no published release tagged with a version; name the version to roll", repo)}
	case pre == nil:
		return upgrade.Resolved{}, &upgrade.RequestError{Reason: fmt.Sprintf(
			"%s has no pre-release among its latest releases (the newest release is %s); "+
				"name the version to roll", repo, rel.Tag)}
	case rel != nil && fleet.CompareVersions(pre.version, rel.version) <= 0:
		return upgrade.Resolved{}, &upgrade.RequestError{Reason: fmt.Sprintf(
			"%s has no pre-release newer than its release %s (the newest pre-release is %s); "+
				"say upgrade %s to roll the release", repo, rel.Tag, pre.Tag, rel.version)}
	}

	r := upgrade.Resolved{Version: pre.version,
		From: fmt.Sprintf("newest pre-release %s of %s, published %s", pre.Tag, repo, dateOf(pre.Published))}
	if s.rcURL != nil {
		if r.URL, err = render(s.rcURL, releaseData{Version: pre.version, Tag: pre.Tag}); err != nil {
			return upgrade.Resolved{}, fmt.Errorf("build url of %s %s: %w", repo, pre.Tag, err)
		}
	}
	return r, nil
}

// newest returns the newest pre-release and the newest release, by
// version, among those published with a version for a tag; nil for
// none. Of two with the same version, the one listed first wins.
func newest(releases []github.Release) (pre, rel *tagged) {
	for _, r := range releases {
		v, err := upgrade.ParseVersion(r.Tag)
		if r.Draft || err != nil {
			continue
		}

		t := &tagged{Release: r, version: v}
		best := &rel
		if r.Prerelease {
			best = &pre
		}
		if *best == nil || fleet.CompareVersions(v, (*best).version) > 0 {
			*best = t
		}
	}
	return pre, rel
}
