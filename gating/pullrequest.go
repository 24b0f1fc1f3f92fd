package gating

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/store"
)

// Actions of a pull request event that gating acts on.
const (
	actionOpened      = "opened"
	actionReopened    = "reopened"
	actionSynchronize = "synchronize"
	actionClosed      = "closed"
)

// maxCommits is the most commits GitHub lists of a pull request, and so
// the most gating can check.
const maxCommits = 250

// prefixTold is the store prefix of the heads whose missing sign-offs
// were commented on: one comment per head commit, never more.
const prefixTold = "gating/told/"

// prEvent is what gating reads of a pull request event.
type prEvent struct {
	repo    string
	number  int
	head    string
	base    string
	sender  string
	commits int
	action  string
}

// gatedPR returns the event when gating acts on it: an action it knows
// on a pull request of a gated repository.
func (g *Gate) gatedPR(p *gh.PullRequestEvent) (prEvent, bool) {
	repo, ok := g.gated(p.GetRepo().GetFullName())
	switch p.GetAction() {
	case actionOpened, actionReopened, actionSynchronize, actionClosed:
	default:
		ok = false
	}
	pr := p.GetPullRequest()
	ev := prEvent{repo: repo, number: pr.GetNumber(), head: pr.GetHead().GetSHA(), base: pr.GetBase().GetRef(),
		sender: p.GetSender().GetLogin(), commits: pr.GetCommits(), action: p.GetAction()}
	return ev, ok && ev.number > 0 && ev.head != ""
}

// pullRequest gates one pull request event: the sign-off check first,
// its status, then the builds of the new head in place of the old
// head's, each with a pending status.
func (g *Gate) pullRequest(ctx context.Context, e github.Event, p *gh.PullRequestEvent) error {
	ev, _ := g.gatedPR(p)
	log := g.log.With(keyRepo, ev.repo, keyPR, ev.number, keyHead, shortSHA(ev.head), keyDelivery, e.Delivery)

	fresh, err := g.prs.advance(ctx, ev.repo, ev.number,
		prState{Head: ev.head, Received: e.Received, Closed: ev.action == actionClosed})
	if err != nil {
		return err
	}
	if !fresh {
		return g.done(log, outcomeStale, nil)
	}

	if ev.action == actionClosed {
		_, err := g.stopStale(ctx, log, ev)
		return g.done(log, outcomeClosed, err)
	}
	outcome, err := g.gate(ctx, log, ev)
	return g.done(log, outcome, err)
}

// gate checks the sign-offs of ev's head and sets their status, stops
// the builds of older heads, and queues the builds of this one when
// every commit is signed off, or says once how to sign them off.
func (g *Gate) gate(ctx context.Context, log *slog.Logger, ev prEvent) (string, error) {
	if ev.commits > maxCommits {
		return outcomeTooLong, g.tooLong(ctx, log, ev)
	}

	commits, err := g.opts.API.PullRequestCommits(ctx, ev.repo, ev.number)
	if err != nil {
		return outcomeFailed, err
	}
	if !slices.ContainsFunc(commits, func(c github.Commit) bool { return c.SHA == ev.head }) {
		// The branch moved on since this event: the next one gates it.
		return outcomeStale, nil
	}

	unsigned := Unsigned(commits)
	if err := g.setSignOff(ctx, ev, commits, unsigned); err != nil {
		return outcomeFailed, err
	}
	running, err := g.stopStale(ctx, log, ev)
	if err != nil {
		return outcomeFailed, err
	}

	if len(unsigned) > 0 {
		return outcomeUnsigned, g.tell(ctx, log, ev, unsigned)
	}
	return outcomeSigned, g.build(ctx, log, ev, running)
}

// tooLong refuses a pull request with more commits than GitHub lists:
// its sign-offs cannot all be checked, so nothing of it is built.
func (g *Gate) tooLong(ctx context.Context, log *slog.Logger, ev prEvent) error {
	st := github.Status{State: github.StateError, Context: SignOffContext,
		Description: fmt.Sprintf("over %d commits: too many to check; split the pull request", maxCommits)}
	if err := g.opts.Statuses.set(ctx, Build{Repo: ev.repo, PR: ev.number, SHA: ev.head}, st); err != nil {
		return err
	}
	_, err := g.stopStale(ctx, log, ev)
	return err
}

// setSignOff sets the sign-off status of ev's head.
func (g *Gate) setSignOff(ctx context.Context, ev prEvent, commits, unsigned []github.Commit) error {
	return g.opts.Statuses.set(ctx, Build{Repo: ev.repo, PR: ev.number, SHA: ev.head}, signOffStatus(commits, unsigned))
}

// tell comments on the pull request which commits lack a sign-off and
// how to add it, once per head commit. The head is marked before the
// comment is made, so that no crash or retry can comment twice; a
// comment GitHub refuses unmarks it.
func (g *Gate) tell(ctx context.Context, log *slog.Logger, ev prEvent, unsigned []github.Commit) error {
	key := prefixTold + strings.ToLower(ev.repo) + "/" + ev.head
	mark, _ := json.Marshal(map[string]any{"pr": ev.number, "at": g.now().UTC()})
	err := g.opts.Store.CompareAndSwap(ctx, key, nil, mark)
	switch {
	case errors.Is(err, store.ErrConflict):
		log.Debug("missing sign-offs already told")
		return nil
	case err != nil:
		return fmt.Errorf("mark %s as told: %w", shortSHA(ev.head), err)
	}

	if err := g.opts.API.Comment(ctx, ev.repo, ev.number, fixComment(unsigned, ev.base)); err != nil {
		if derr := g.opts.Store.Delete(context.WithoutCancel(ctx), key); derr != nil {
			log.Error("told mark not removed; the author will not be told", keyError, derr)
		}
		return fmt.Errorf("tell %s#%d about missing sign-offs: %w", ev.repo, ev.number, err)
	}
	return nil
}

// done logs and counts the outcome of a pull request event, and passes
// err on.
func (g *Gate) done(log *slog.Logger, outcome string, err error) error {
	if err != nil {
		outcome = outcomeFailed
	}
	g.metrics.pullRequests.WithLabelValues(outcome).Inc()

	if err != nil {
		log.Warn("pull request not gated", keyOutcome, outcome, keyError, err)
		return err
	}
	log.Info("pull request gated", keyOutcome, outcome)
	return nil
}
