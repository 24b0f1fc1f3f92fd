package versions

import (
	"strings"

	"github.com/gordonbot/gordon/config"
)

// Defaults of MasterConfig.
const (
	DefaultBranch = "master"

	// DefaultMasterVersion names a master build as nightly builds and Go
	// pseudo-versions do: it sorts by commit time and names the commit,
	// "0.0.0-20261203101500-1a2b3c4".
	DefaultMasterVersion = "0.0.0-{{.Time}}-{{.Short}}"
)

// RCConfig is the [upgrade.rc] section: where "upgrade rc" finds the
// newest release candidate. An empty Repo leaves "upgrade rc" off.
type RCConfig struct {
	// Repo is the owner/name whose GitHub releases are read.
	Repo string `toml:"repo"`

	// URL, when set, is a template of where a release's build is,
	// filled with .Version ("24.0.0-rc.2") and .Tag ("v24.0.0-rc.2").
	// Empty leaves the runner to install the version by its number.
	URL string `toml:"url"`
}

// Enabled reports whether "upgrade rc" is set up.
func (c RCConfig) Enabled() bool {
	return c.Repo != ""
}

// Validate reports every problem with its key.
func (c RCConfig) Validate() error {
	var p config.Problems
	if !c.Enabled() {
		if c.URL != "" {
			p.Add("repo", "required with url")
		}
		return p.Err()
	}

	checkRepo(&p, c.Repo)
	if c.URL != "" {
		if _, err := parseReleaseURL(c.URL); err != nil {
			p.Add("url", "%v", err)
		}
	}
	return p.Err()
}

// MasterConfig is the [upgrade.master] section: where "upgrade master"
// finds the newest master build. An empty Repo leaves it off.
type MasterConfig struct {
	// Repo is the owner/name whose branch is read.
	Repo string `toml:"repo"`

	// Branch is the branch whose head is built; DefaultBranch when
	// unset.
	Branch string `toml:"branch"`

	// URL is a template of where the build of a commit is, filled with
	// .SHA, .Short (its first 7 characters), .Date (20261203) and .Time
	// (20261203101500) of the commit time in UTC, .Branch and .Repo:
	// "https://master.dockerproject.org/linux/amd64/docker-{{.SHA}}.tgz".
	URL string `toml:"url"`

	// Version is a template, with the same fields, of the version a node
	// reports once it runs the build; DefaultMasterVersion when unset.
	// It must be a version such as 24.0.1 and change with the commit, or
	// an upgraded node could not be told from one that was not.
	Version string `toml:"version"`
}

// Enabled reports whether "upgrade master" is set up.
func (c MasterConfig) Enabled() bool {
	return c.Repo != ""
}

// Defaults fills what was left unset.
func (c *MasterConfig) Defaults() {
	if !c.Enabled() {
		return
	}
	if c.Branch == "" {
		c.Branch = DefaultBranch
	}
	if c.Version == "" {
		c.Version = DefaultMasterVersion
	}
}

// Validate reports every problem with its key. It expects Defaults to
// have run.
func (c MasterConfig) Validate() error {
	var p config.Problems
	if !c.Enabled() {
		if c.URL != "" || c.Version != "" {
			p.Add("repo", "required with url and version")
		}
		return p.Err()
	}

	checkRepo(&p, c.Repo)
	if c.Branch == "" || strings.ContainsAny(c.Branch, " \t~^:?*[\\") {
		p.Add("branch", "%q is not a branch name", c.Branch)
	}
	if c.URL == "" {
		p.Add("url", "required: where the build of a commit is, as a template with {{.SHA}}")
	} else if _, err := parseBuildURL(c.URL); err != nil {
		p.Add("url", "%v", err)
	}
	if _, err := parseBuildVersion(c.Version); err != nil {
		p.Add("version", "%v", err)
	}
	return p.Err()
}

// checkRepo adds a problem when repo is not owner/name.
func checkRepo(p *config.Problems, repo string) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.ContainsAny(repo, " \t") || strings.Contains(name, "/") {
		p.Add("repo", "%q is not owner/name", repo)
	}
}
