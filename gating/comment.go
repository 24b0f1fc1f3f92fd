package gating

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/integrations/github"
)

// rebuildCommand matches a /rebuild line: at the very start of the line,
// so that indented code never runs, and followed by job names or
// nothing.
var rebuildCommand = regexp.MustCompile(`^/rebuild(?:[ \t]+(.*?))?[ \t]*$`)

// jobName is what a job named in a comment may look like; anything else
// could be read as more than a name by the rebuild command.
var jobName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// maxJobs bounds the jobs one comment may name.
const maxJobs = 10

// rebuildComment returns the arguments of the /rebuild line of a comment
// the gate acts on: just made, on a pull request of a gated repository,
// by a person rather than a bot.
func (g *Gate) rebuildComment(p *gh.IssueCommentEvent) (string, bool) {
	if g.opts.Commander == nil || p.GetAction() != "created" || !p.GetIssue().IsPullRequest() ||
		p.GetComment().GetUser().GetType() == "Bot" {
		return "", false
	}
	if _, ok := g.gated(p.GetRepo().GetFullName()); !ok {
		return "", false
	}
	return rebuildLine(p.GetComment().GetBody())
}

// comment runs the /rebuild of a comment as the rebuild command, for a
// commenter who can push to the repository, and answers anyone else in a
// comment.
func (g *Gate) comment(ctx context.Context, e github.Event, p *gh.IssueCommentEvent) error {
	args, _ := g.rebuildComment(p)
	repo, _ := g.gated(p.GetRepo().GetFullName())
	number := p.GetIssue().GetNumber()
	login := p.GetComment().GetUser().GetLogin()
	log := g.log.With(keyRepo, repo, keyPR, number, keyUser, login, keyDelivery, e.Delivery)

	jobs, err := parseJobs(args)
	if err != nil {
		g.metrics.comments.WithLabelValues(commentUsage).Inc()
		return g.answer(ctx, repo, number, fmt.Sprintf("@%s: %s; usage: `/rebuild [job...]`", login, err))
	}

	perm, err := g.access.permission(ctx, repo, login)
	if err != nil {
		return fmt.Errorf("check %s's permission on %s: %w", login, repo, err)
	}
	if !canPush(perm) {
		g.metrics.comments.WithLabelValues(commentDenied).Inc()
		log.Warn("rebuild comment refused", keyOutcome, commentDenied)
		return g.answer(ctx, repo, number, fmt.Sprintf(
			"@%s: /rebuild is for people who can push to %s; GitHub says your permission is %s.", login, repo, perm))
	}

	g.metrics.comments.WithLabelValues(commentRebuild).Inc()
	log.Info("rebuild asked in a comment", keyCount, len(jobs))
	g.opts.Commander.HandleExternal(ctx, commands.External{Caller: githubCaller(login),
		Target: CommentTarget(repo, number), Line: rebuildCommandLine(number, jobs), Received: e.Received})
	return nil
}

// answer comments text on a pull request.
func (g *Gate) answer(ctx context.Context, repo string, number int, text string) error {
	if err := g.opts.API.Comment(ctx, repo, number, text); err != nil {
		return fmt.Errorf("answer on %s#%d: %w", repo, number, err)
	}
	return nil
}

// githubCaller is a commenter as the dispatcher sees them: known by
// GitHub login, and a maintainer for this command, since GitHub says
// they can push.
func githubCaller(login string) commands.Caller {
	id := commands.Identity{Nick: login, User: login, Host: "github.com", Account: "github:" + login,
		Via: "github", AccountsTracked: true}
	return commands.Caller{Identity: id, Role: commands.RoleMaintainer}
}

// rebuildCommandLine is the rebuild command that a /rebuild comment
// stands for.
func rebuildCommandLine(number int, jobs []string) string {
	line := fmt.Sprintf("rebuild %d", number)
	if len(jobs) > 0 {
		line += " job " + strings.Join(jobs, " ")
	}
	return line
}

// errJobs is a /rebuild line whose arguments are not job names.
var errJobs = errors.New("bad job names")

// parseJobs reads the job names after /rebuild. A leading "job", as on
// IRC, is allowed.
func parseJobs(args string) ([]string, error) {
	fields := strings.Fields(args)
	if len(fields) > 0 && fields[0] == "job" {
		fields = fields[1:]
	}
	if len(fields) > maxJobs {
		return nil, fmt.Errorf("%w: name at most %d jobs", errJobs, maxJobs)
	}

	var jobs []string
	for _, f := range fields {
		if !jobName.MatchString(f) {
			return nil, fmt.Errorf("%w: %q is not a job name", errJobs, clipRunes(f, 40))
		}
		if !slices.Contains(jobs, f) {
			jobs = append(jobs, f)
		}
	}
	return jobs, nil
}

// rebuildLine returns the arguments of the first /rebuild line of a
// comment's Markdown body. Lines in code blocks (fenced or indented), in
// quotes and in HTML comments never count: they show a command, they
// do not give one.
func rebuildLine(body string) (string, bool) {
	var fence string
	inHTMLComment := false
	for line := range strings.Lines(body) {
		line = strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimLeft(line, " ")

		switch {
		case fence != "":
			if closesFence(trimmed, fence) {
				fence = ""
			}
			continue
		case inHTMLComment:
			inHTMLComment = !strings.Contains(line, "-->")
			continue
		case len(line)-len(trimmed) <= 3 && opensFence(trimmed) != "":
			fence = opensFence(trimmed)
			continue
		case strings.HasPrefix(trimmed, "<!--"):
			inHTMLComment = !strings.Contains(trimmed[4:], "-->")
			continue
		}

		if m := rebuildCommand.FindStringSubmatch(line); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// opensFence returns the fence a line opens, three or more backticks or
// tildes, or "".
func opensFence(line string) string {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return line[:n]
		}
	}
	return ""
}

// closesFence reports whether a line closes fence: the same character
// at least as many times, and nothing else.
func closesFence(line, fence string) bool {
	rest := strings.TrimLeft(line, fence[:1])
	return len(line)-len(rest) >= len(fence) && strings.TrimSpace(rest) == ""
}

// clipRunes cuts s to n runes.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
