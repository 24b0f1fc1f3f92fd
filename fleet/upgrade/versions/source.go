package versions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"text/template"
	"time"

	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/integrations/github"
)

// GitHub is what a Source reads. *github.Client implements it.
type GitHub interface {
	// Releases returns a repository's newest releases, newest first.
	Releases(ctx context.Context, repo string) ([]github.Release, error)

	// Branch returns a branch and its head commit.
	//
	// Both return an error matching github.ErrNotFound for what GitHub
	// does not have, and GitHub's or the network's errors otherwise.
	Branch(ctx context.Context, repo, name string) (github.Branch, error)
}

// Options wire a Source.
type Options struct {
	RC     RCConfig
	Master MasterConfig

	// GitHub is required when RC or Master is enabled.
	GitHub GitHub

	// Logger gets a line for each time GitHub could not be asked; nil
	// discards.
	Logger *slog.Logger
}

// Source works out "rc" and "master" from GitHub. It is safe for
// concurrent use.
type Source struct {
	rc     RCConfig
	master MasterConfig
	gh     GitHub
	log    *slog.Logger

	// The templates, parsed; nil when their target is off or, for
	// rcURL, unset.
	rcURL, masterURL, masterVersion *template.Template
}

var _ upgrade.VersionSource = (*Source)(nil)

// New returns a Source. The configurations are given their defaults and
// validated.
func New(opts Options) (*Source, error) {
	opts.Master.Defaults()
	var errs []error
	if err := opts.RC.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("upgrade.rc: %w", err))
	}
	if err := opts.Master.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("upgrade.master: %w", err))
	}
	if (opts.RC.Enabled() || opts.Master.Enabled()) && opts.GitHub == nil {
		errs = append(errs, errors.New("upgrade versions: a github api client is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	s := &Source{rc: opts.RC, master: opts.Master, gh: opts.GitHub, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	// Validate has tried every template, so these parse.
	if s.rc.URL != "" {
		s.rcURL, _ = parseReleaseURL(s.rc.URL)
	}
	if s.master.Enabled() {
		s.masterURL, _ = parseBuildURL(s.master.URL)
		s.masterVersion, _ = parseBuildVersion(s.master.Version)
	}
	return s, nil
}

// Resolve returns what name stands for now: upgrade.TargetRC or
// upgrade.TargetMaster. See upgrade.VersionSource for its errors.
func (s *Source) Resolve(ctx context.Context, name string) (upgrade.Resolved, error) {
	switch {
	case name == upgrade.TargetRC && s.rc.Enabled():
		return s.newestRC(ctx)
	case name == upgrade.TargetMaster && s.master.Enabled():
		return s.newestMaster(ctx)
	case name == upgrade.TargetRC, name == upgrade.TargetMaster:
		return upgrade.Resolved{}, &upgrade.RequestError{Reason: fmt.Sprintf(
			"upgrade %s is not set up here (no [upgrade.%s] repository); name the version instead",
			name, name)}
	}
	return upgrade.Resolved{}, &upgrade.RequestError{Reason: fmt.Sprintf("%q is neither rc nor master", name)}
}

// newestMaster reads the head of the branch and fills the templates
// with it.
//
// TODO: whether the head's build exists yet is not checked (a HEAD of
// the URL would tell): a head merged minutes ago may have none, and the
// canary's runner then fails and pauses the upgrade.
func (s *Source) newestMaster(ctx context.Context) (upgrade.Resolved, error) {
	repo, branch := s.master.Repo, s.master.Branch
	head, err := s.gh.Branch(ctx, repo, branch)
	if err != nil {
		return upgrade.Resolved{}, s.failed(upgrade.TargetMaster, repo, err,
			fmt.Sprintf("GitHub has no branch %s in %s, or the token may not see it", branch, repo))
	}

	data := newCommitData(repo, branch, head.SHA, head.Committed)
	version, err := render(s.masterVersion, data)
	if err != nil {
		return upgrade.Resolved{}, fmt.Errorf("version of %s@%s: %w", repo, data.Short, err)
	}
	url, err := render(s.masterURL, data)
	if err != nil {
		return upgrade.Resolved{}, fmt.Errorf("build url of %s@%s: %w", repo, data.Short, err)
	}

	from := fmt.Sprintf("%s of %s at %s, committed %s", branch, repo, data.Short,
		head.Committed.UTC().Format("2006-01-02 15:04 MST"))
	return upgrade.Resolved{Version: version, URL: url, From: from}, nil
}

// failed logs why GitHub could not be asked about target and returns
// the *upgrade.SourceError saying so; notFound is the brief for a 404.
func (s *Source) failed(target, repo string, err error, notFound string) error {
	s.log.Warn("version source failed", keyTarget, target, keyRepo, repo, keyError, err)
	return &upgrade.SourceError{Name: target, Brief: brief(err, notFound), Err: err}
}

// brief says in a few words why GitHub could not be asked.
func brief(err error, notFound string) string {
	var said interface{ Brief() string }
	switch {
	case errors.Is(err, github.ErrNotFound):
		return notFound
	case errors.As(err, &said):
		return said.Brief()
	case errors.Is(err, context.DeadlineExceeded):
		return "GitHub did not answer in time"
	case errors.Is(err, context.Canceled):
		return "gordon stopped asking GitHub"
	}
	return "GitHub could not be reached"
}

// dateOf writes a publication date as the plan shows it.
func dateOf(t time.Time) string {
	if t.IsZero() {
		return "unpublished"
	}
	return t.UTC().Format(time.DateOnly)
}
