package gating

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/followup"
	"github.com/gordonbot/gordon/integrations/github"
)

// prefixBuilds is the store prefix of the builds whose end becomes a
// commit status; a key is the prefix and the zero-padded queue id.
const prefixBuilds = "gating/builds/"

// hookTimeout bounds setting a status from the follow-ups' loop, which
// waits for it; a status not set in time is set by Retry.
const hookTimeout = 10 * time.Second

// StatusSetter sets commit statuses; *github.Client implements it.
// Errors are the client's.
type StatusSetter interface {
	SetStatus(ctx context.Context, repo, sha string, s github.Status) error
}

// Build is a pull request build whose end becomes a commit status.
type Build struct {
	Repo    string `json:"repo"`
	PR      int    `json:"pr"`
	SHA     string `json:"sha"`
	Job     string `json:"job"`
	QueueID int64  `json:"queue_id"`

	// Final is the status its end calls for, kept while GitHub has not
	// taken it.
	Final *github.Status `json:"final,omitempty"`
}

// StatusOptions wire Statuses.
type StatusOptions struct {
	API   StatusSetter
	Store Store

	// Repos are the gated repositories, as for the Gate.
	Repos []string

	// Logger and Registerer as for the Gate.
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Statuses keeps the commit statuses of pull request builds: pending
// while a build is queued or runs, then its result with a link to it.
// It remembers each build in the store until its last status is set, so
// that a restart or GitHub failing loses none.
type Statuses struct {
	api     StatusSetter
	store   Store
	prs     *prStates
	repos   map[string]string
	log     *slog.Logger
	metrics *statusMetrics
}

// NewStatuses returns the statuses of opts' repositories.
func NewStatuses(opts StatusOptions) (*Statuses, error) {
	if opts.API == nil || opts.Store == nil {
		return nil, errors.New("gating statuses: API and Store are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}

	s := &Statuses{api: opts.API, store: opts.Store, prs: newPRStates(opts.Store), repos: map[string]string{},
		log: opts.Logger, metrics: newStatusMetrics(opts.Registerer)}
	for _, r := range opts.Repos {
		s.repos[strings.ToLower(r)] = r
	}
	return s, nil
}

// JobContext is the commit status context of a job's builds.
func JobContext(job string) string {
	return "gordon/" + job
}

func buildKey(queueID int64) string {
	return fmt.Sprintf("%s%012d", prefixBuilds, queueID)
}

// Track remembers b and sets its job's status on its commit to pending.
// An older build of the same job on the same commit is forgotten: its
// end no longer speaks for the commit. The error is the store's; a
// pending status GitHub does not take is only logged, since the build's
// end sets the status again.
func (s *Statuses) Track(ctx context.Context, b Build) error {
	if err := s.forgetOlder(ctx, b); err != nil {
		return err
	}
	if err := s.save(ctx, b); err != nil {
		return err
	}

	st := github.Status{State: github.StatePending, Context: JobContext(b.Job),
		Description: fmt.Sprintf("queued as item %d", b.QueueID)}
	if err := s.set(ctx, b, st); err != nil {
		s.log.Warn("pending status not set", keyRepo, b.Repo, keyPR, b.PR, keyJob, b.Job, keyError, err)
	}
	return nil
}

// Abandon sets an error status for a tracked build that gordon could
// not follow, and forgets it.
func (s *Statuses) Abandon(ctx context.Context, b Build, why string) {
	s.finish(ctx, b, github.Status{State: github.StateError, Context: JobContext(b.Job), Description: why})
}

// NotQueued sets an error status for a job that was not queued.
func (s *Statuses) NotQueued(ctx context.Context, repo, sha, job, why string) {
	st := github.Status{State: github.StateError, Context: JobContext(job), Description: "not queued: " + why}
	if err := s.set(ctx, Build{Repo: repo, SHA: sha, Job: job}, st); err != nil {
		s.log.Warn("error status not set", keyRepo, repo, keyJob, job, keyError, err)
	}
}

// FollowupClosed sets the status a followed build's end calls for. It
// is the follow-up engine's OnClose; a follow-up of a build it does not
// track is none of its business.
func (s *Statuses) FollowupClosed(ctx context.Context, c followup.Closed) {
	b, ok, err := s.load(ctx, c.Record.QueueID)
	if err != nil {
		s.log.Error("tracked build unreadable; its status stays as it was", keyQueueID, c.Record.QueueID, keyError, err)
		return
	}
	if !ok {
		return
	}

	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	s.finish(ctx, b, finalStatus(c))
}

// finish sets b's last status and forgets b, or keeps the status for
// Retry when GitHub does not take it now.
func (s *Statuses) finish(ctx context.Context, b Build, st github.Status) {
	err := s.set(ctx, b, st)
	if err != nil && github.Temporary(err) {
		b.Final = &st
		if serr := s.save(context.WithoutCancel(ctx), b); serr != nil {
			s.log.Error("final status lost", keyRepo, b.Repo, keyJob, b.Job, keyError, serr)
		}
		s.log.Warn("final status not set; will retry", keyRepo, b.Repo, keyPR, b.PR, keyJob, b.Job, keyError, err)
		return
	}
	if err != nil {
		s.log.Error("final status refused", keyRepo, b.Repo, keyPR, b.PR, keyJob, b.Job, keyError, err)
	}
	s.forget(context.WithoutCancel(ctx), b.QueueID)
}

// Retry sets the final statuses GitHub did not take before. It returns
// the store's error; GitHub's leave the status for the next Retry.
func (s *Statuses) Retry(ctx context.Context) error {
	builds, err := s.all(ctx)
	if err != nil {
		return err
	}

	for _, b := range builds {
		if b.Final != nil {
			s.finish(ctx, b, *b.Final)
		}
	}
	return nil
}

// set sets st on b's commit and counts it.
func (s *Statuses) set(ctx context.Context, b Build, st github.Status) error {
	if err := s.api.SetStatus(ctx, b.Repo, b.SHA, st); err != nil {
		s.metrics.failed.Inc()
		return err
	}

	check := "build"
	if st.Context == SignOffContext {
		check = "sign-off"
	}
	s.metrics.set.WithLabelValues(check, st.State).Inc()
	s.log.Debug("commit status set", keyRepo, b.Repo, keyHead, shortSHA(b.SHA), keyContext, st.Context,
		keyState, st.State)
	return nil
}

// finalStatus is the status a follow-up's end calls for.
func finalStatus(c followup.Closed) github.Status {
	st := github.Status{State: github.StateError, Context: JobContext(c.Record.Job), TargetURL: c.Record.URL}
	if c.Build.URL != "" {
		st.TargetURL = c.Build.URL
	}

	ran := fmt.Sprintf("%s after %s", strings.ToUpper(c.Outcome), human(c.Build.Duration))
	switch c.Outcome {
	case "success":
		st.State, st.Description = github.StateSuccess, ran
	case "failure", "unstable":
		st.State, st.Description = github.StateFailure, ran
	case "aborted", "not_built":
		st.Description = ran
	case followup.OutcomeCancelled:
		st.Description = "cancelled before it started"
	case followup.OutcomeReplaced:
		st.Description = "replaced by a newer build"
	case followup.OutcomeLost:
		st.Description = "gordon lost track of the build"
	case followup.OutcomeGaveUp:
		st.Description = "gordon stopped following the build: it took too long"
	default:
		st.Description = "ended: " + c.Outcome
	}
	return st
}

// human writes a duration to the second, as the follow-ups do: "4m12s",
// "3m", "under a second".
func human(d time.Duration) string {
	if d < time.Second {
		return "under a second"
	}
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
