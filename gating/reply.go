package gating

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/integrations/github"
)

// Prefixes of the reply targets that are pull requests, not IRC: the
// answers to a /rebuild comment and the reports on its builds become
// comments there; the follow-ups of the gate's own builds say nothing,
// since their commit statuses are their report. Neither can be an IRC
// channel or nick.
const (
	commentPrefix = "github:"
	statusPrefix  = "github-status:"
)

// commentTimeout bounds one comment made for a reply.
const commentTimeout = 30 * time.Second

// prRef is a pull request named by a reply target.
type prRef struct {
	repo   string
	number int
	quiet  bool
}

// CommentTarget is the reply target whose lines become a comment on
// pull request number of repo.
func CommentTarget(repo string, number int) string {
	return fmt.Sprintf("%s%s#%d", commentPrefix, repo, number)
}

// statusTarget is the reply target of the gate's own builds, whose lines
// are dropped.
func statusTarget(repo string, number int) string {
	return fmt.Sprintf("%s%s#%d", statusPrefix, repo, number)
}

// parseTarget reads a pull request reply target.
func parseTarget(target string) (prRef, bool) {
	rest, ok := strings.CutPrefix(target, commentPrefix)
	quiet := false
	if !ok {
		rest, quiet = strings.CutPrefix(target, statusPrefix)
	}
	if !ok && !quiet {
		return prRef{}, false
	}

	repo, num, found := strings.Cut(rest, "#")
	n, err := strconv.Atoi(num)
	if !found || err != nil || n <= 0 || strings.Count(repo, "/") != 1 {
		return prRef{}, false
	}
	return prRef{repo: repo, number: n, quiet: quiet}, true
}

// Replier sends replies for pull request targets to GitHub, as comments,
// and every other reply to the next replier, the IRC side. gordon's
// dispatcher and follow-ups send through it, so that a command asked for
// in a comment is answered there.
type Replier struct {
	comments Commenter
	next     commands.Replier
	log      *slog.Logger
}

var _ commands.Replier = (*Replier)(nil)

// NewReplier returns a replier commenting through c and passing the rest
// to next. A nil log discards its lines.
func NewReplier(c Commenter, next commands.Replier, log *slog.Logger) *Replier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Replier{comments: c, next: next, log: log}
}

// Send delivers r. For a pull request it makes one comment of r's lines
// and returns when GitHub has it; the error is then GitHub's and only a
// temporary one, so that a follow-up keeps its lines for a later try.
// A comment GitHub refuses for good is logged and dropped.
func (rp *Replier) Send(ctx context.Context, r commands.Reply) error {
	ref, ok := parseTarget(r.Target)
	switch {
	case !ok:
		return rp.next.Send(ctx, r)
	case ref.quiet || len(r.Lines) == 0:
		return nil
	}

	ctx, cancel := context.WithTimeout(ctx, commentTimeout)
	defer cancel()
	err := rp.comments.Comment(ctx, ref.repo, ref.number, strings.Join(r.Lines, "\n"))
	switch {
	case err == nil:
		return nil
	case github.Temporary(err):
		return fmt.Errorf("reply on %s#%d: %w", ref.repo, ref.number, err)
	}
	rp.log.Warn("reply comment refused; dropped", keyRepo, ref.repo, keyPR, ref.number, keyError, err)
	return nil
}
