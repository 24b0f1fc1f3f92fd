package versions

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"text/template"
	"time"

	"github.com/gordonbot/gordon/fleet/upgrade"
)

// shortLen is how much of a SHA .Short keeps: git's shortest
// abbreviation.
const shortLen = 7

// commitData fills the master templates.
type commitData struct {
	Repo, Branch string
	SHA, Short   string

	// Date and Time are the commit time in UTC, 20261203 and
	// 20261203101500.
	Date, Time string
}

// newCommitData describes the commit sha of branch, committed at when.
func newCommitData(repo, branch, sha string, when time.Time) commitData {
	when = when.UTC()
	return commitData{Repo: repo, Branch: branch, SHA: sha, Short: sha[:min(len(sha), shortLen)],
		Date: when.Format("20060102"), Time: when.Format("20060102150405")}
}

// releaseData fills the rc URL template.
type releaseData struct {
	Version, Tag string
}

// Two made-up commits and releases that templates are tried on when
// they are parsed: a template must give a usable answer for each, and a
// different one, or every build would look the same.
var (
	sampleCommits = [2]commitData{
		newCommitData("moby/moby", "master", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
			time.Date(2026, 12, 3, 10, 15, 0, 0, time.UTC)),
		newCommitData("moby/moby", "master", "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c",
			time.Date(2026, 12, 4, 23, 5, 9, 0, time.UTC)),
	}
	sampleReleases = [2]releaseData{{Version: "24.0.0-rc.2", Tag: "v24.0.0-rc.2"},
		{Version: "24.0.1-rc.1", Tag: "v24.0.1-rc.1"}}
)

// parseBuildURL parses the master URL template and tries it.
func parseBuildURL(text string) (*template.Template, error) {
	return parseTried(text, "url", sampleCommits[0], sampleCommits[1], checkURL,
		"it must change with the commit: use {{.SHA}} or {{.Short}}")
}

// parseBuildVersion parses the master version template and tries it.
func parseBuildVersion(text string) (*template.Template, error) {
	return parseTried(text, "version", sampleCommits[0], sampleCommits[1], checkVersion,
		"it must change with the commit: use {{.Time}} and {{.Short}}")
}

// parseReleaseURL parses the rc URL template and tries it.
func parseReleaseURL(text string) (*template.Template, error) {
	return parseTried(text, "url", sampleReleases[0], sampleReleases[1], checkURL,
		"it must change with the release: use {{.Version}} or {{.Tag}}")
}

// parseTried parses text and renders it for a and b: each must pass
// check, and they must differ.
func parseTried(text, name string, a, b any, check func(string) error,
	same string) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("bad template %q: %w", text, err)
	}

	first, err := render(t, a)
	if err != nil {
		return nil, err
	}
	second, err := render(t, b)
	if err != nil {
		return nil, err
	}
	if err := check(first); err != nil {
		return nil, fmt.Errorf("%q gives %q: %w", text, first, err)
	}
	if first == second {
		return nil, fmt.Errorf("%q gives %q for every build: %s", text, first, same)
	}
	return t, nil
}

// render fills t with data.
func render(t *template.Template, data any) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("fill template %q: %w", t.Name(), err)
	}
	return b.String(), nil
}

// checkURL accepts an absolute http or https URL.
func checkURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("not an http or https URL")
	case u.Host == "":
		return errors.New("a URL with no host")
	}
	return nil
}

// checkVersion accepts one version and nothing else.
func checkVersion(s string) error {
	_, err := upgrade.ParseVersion(s)
	return err
}
