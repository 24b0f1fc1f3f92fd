package gating

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/store"
)

// save stores b.
func (s *Statuses) save(ctx context.Context, b Build) error {
	value, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode tracked build %d: %w", b.QueueID, err)
	}
	if err := s.store.Put(ctx, buildKey(b.QueueID), value); err != nil {
		return fmt.Errorf("track %s build %d of %s#%d: %w", b.Job, b.QueueID, b.Repo, b.PR, err)
	}
	return nil
}

// load returns the build tracked as queue item id; ok is false when
// none is.
func (s *Statuses) load(ctx context.Context, id int64) (Build, bool, error) {
	raw, err := s.store.Get(ctx, buildKey(id))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Build{}, false, nil
	case err != nil:
		return Build{}, false, fmt.Errorf("read tracked build %d: %w", id, err)
	}

	var b Build
	if err := json.Unmarshal(raw, &b); err != nil {
		return Build{}, false, fmt.Errorf("decode tracked build %d: %w", id, err)
	}
	return b, true, nil
}

// all returns every tracked build; one that does not decode is logged
// and left out.
func (s *Statuses) all(ctx context.Context) ([]Build, error) {
	entries, err := s.store.List(ctx, prefixBuilds)
	if err != nil {
		return nil, fmt.Errorf("list tracked builds: %w", err)
	}

	builds := make([]Build, 0, len(entries))
	for _, e := range entries {
		var b Build
		if err := json.Unmarshal(e.Value, &b); err != nil {
			s.log.Error("tracked build unreadable; skipped", keyQueueID, e.Key, keyError, err)
			continue
		}
		builds = append(builds, b)
	}
	return builds, nil
}

// forgetOlder forgets the builds of b's job on b's commit other than b.
func (s *Statuses) forgetOlder(ctx context.Context, b Build) error {
	builds, err := s.all(ctx)
	if err != nil {
		return err
	}

	for _, o := range builds {
		if o.QueueID != b.QueueID && o.Job == b.Job && o.SHA == b.SHA && strings.EqualFold(o.Repo, b.Repo) {
			s.forget(ctx, o.QueueID)
		}
	}
	return nil
}

// forget deletes the build tracked as queue item id.
func (s *Statuses) forget(ctx context.Context, id int64) {
	if err := s.store.Delete(ctx, buildKey(id)); err != nil {
		s.log.Error("tracked build not forgotten; its status may be set again", keyQueueID, id, keyError, err)
	}
}

// Followups returns next wrapped so that a rebuild of a gated pull
// request, asked for on IRC or in a comment, also sets its jobs'
// statuses on the pull request's head. A rebuild of a pull request that
// gating has not seen, or whose number several gated repositories
// share, is followed as before, without statuses.
func (s *Statuses) Followups(next commands.Followups) commands.Followups {
	return &trackingFollowups{s: s, next: next}
}

// trackingFollowups is the wrapper Followups returns.
type trackingFollowups struct {
	s    *Statuses
	next commands.Followups
}

var _ commands.Followups = (*trackingFollowups)(nil)

// Follow tracks f's build when its pull request is gated, then has next
// follow it. A build next cannot follow gets an error status.
func (t *trackingFollowups) Follow(ctx context.Context, f commands.Followup) error {
	b, ok := t.s.buildOf(ctx, f)
	if ok {
		if err := t.s.Track(ctx, b); err != nil {
			t.s.log.Warn("rebuild followed without statuses", keyPR, f.PR, keyJob, f.Job, keyError, err)
			ok = false
		}
	}

	err := t.next.Follow(ctx, f)
	if err != nil && ok {
		t.s.Abandon(ctx, b, "gordon could not follow the build")
	}
	return err
}

// buildOf returns the build f follows as a pull request build: its
// repository from f's target when it is a pull request, otherwise the
// one gated repository that knows f's pull request.
func (s *Statuses) buildOf(ctx context.Context, f commands.Followup) (Build, bool) {
	if f.PR == 0 {
		return Build{}, false
	}

	repos := make([]string, 0, len(s.repos))
	if ref, ok := parseTarget(f.Target); ok {
		repos = append(repos, ref.repo)
	} else {
		for _, r := range s.repos {
			repos = append(repos, r)
		}
	}

	var found []Build
	for _, repo := range repos {
		st, ok, err := s.prs.get(ctx, repo, f.PR)
		if err == nil && ok && !st.Closed {
			found = append(found, Build{Repo: repo, PR: f.PR, SHA: st.Head, Job: f.Job, QueueID: f.QueueID})
		}
	}
	if len(found) != 1 {
		return Build{}, false
	}
	return found[0], true
}
