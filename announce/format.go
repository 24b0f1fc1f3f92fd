package announce

import (
	"fmt"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/gordonbot/gordon/integrations/github"
)

// notice is an event ready to be routed: what routes match on, and the
// line to send.
type notice struct {
	event    string
	action   string
	repo     string
	branches []string
	line     string
}

// noticeFor formats e, or returns false when gordon does not announce it:
// an event type, action or outcome nobody needs to hear about.
func noticeFor(e github.Event) (notice, bool) {
	switch p := e.Payload.(type) {
	case *gh.PushEvent:
		return pushNotice(p)
	case *gh.PullRequestEvent:
		return pullRequestNotice(p)
	case *gh.ReleaseEvent:
		return releaseNotice(p)
	case *gh.StatusEvent:
		return statusNotice(p)
	case *gh.CheckRunEvent:
		return checkRunNotice(p)
	}
	return notice{}, false
}

// pushNotice announces commits pushed to a branch. Tags are left to the
// release announcement, and a deleted branch is not news.
func pushNotice(p *gh.PushEvent) (notice, bool) {
	branch, isBranch := strings.CutPrefix(p.GetRef(), "refs/heads/")
	if !isBranch || p.GetDeleted() {
		return notice{}, false
	}

	who := p.GetSender().GetLogin()
	if who == "" {
		who = p.GetPusher().GetName()
	}
	repo := p.GetRepo().GetFullName()
	text := fmt.Sprintf("[%s] %s %s", clip(repo, maxTitle), clip(who, maxName),
		pushSummary(p, branch))

	n := notice{event: EventPush, repo: repo, branches: []string{branch}}
	n.line = compose(text, link(p.GetCompare()))
	return n, true
}

// pushSummary says what the push did: "pushed 3 commits to master: ...".
func pushSummary(p *gh.PushEvent, branch string) string {
	verb := "pushed"
	if p.GetForced() {
		verb = "force-pushed"
	}
	branch = clip(branch, maxName)

	switch n := len(p.Commits); {
	case n == 0 && p.GetCreated():
		return fmt.Sprintf("created branch %s at %s", branch, short(p.GetAfter()))
	case n == 0:
		return fmt.Sprintf("%s %s to %s", verb, branch, short(p.GetAfter()))
	default:
		return fmt.Sprintf("%s %s to %s: %s", verb, count(n, "commit"), branch,
			commitTitles(p.Commits))
	}
}

// commitTitles quotes the titles of the first few commits and says how
// many more there are.
func commitTitles(commits []*gh.HeadCommit) string {
	shown := min(len(commits), shownCommits)
	titles := make([]string, shown)
	for i, c := range commits[:shown] {
		titles[i] = quote(firstLine(c.GetMessage()), maxCommitTitle)
	}

	text := strings.Join(titles, ", ")
	if more := len(commits) - shown; more > 0 {
		text += fmt.Sprintf(" and %d more", more)
	}
	return text
}

// pullRequestNotice announces a pull request opened, closed, merged or
// reopened; its other actions (labels, reviews, pushes) are not news.
func pullRequestNotice(p *gh.PullRequestEvent) (notice, bool) {
	pr := p.GetPullRequest()
	action, who := p.GetAction(), p.GetSender().GetLogin()
	switch {
	case action == "closed" && pr.GetMerged():
		action = "merged"
		if by := pr.GetMergedBy().GetLogin(); by != "" {
			who = by
		}
	case action != "opened" && action != "closed" && action != "reopened":
		return notice{}, false
	}

	verb := action
	if action == "opened" && pr.GetDraft() {
		verb = "opened draft"
	}
	base, repo := pr.GetBase().GetRef(), p.GetRepo().GetFullName()
	text := fmt.Sprintf("[%s] %s %s #%d on %s: %s", clip(repo, maxTitle), clip(who, maxName),
		verb, pr.GetNumber(), clip(base, maxName), quote(pr.GetTitle(), maxTitle))

	n := notice{event: EventPullRequest, action: action, repo: repo, branches: []string{base}}
	n.line = compose(text, link(pr.GetHTMLURL()))
	return n, true
}

// releaseNotice announces a published release. A pre-release is a
// release candidate, which "upgrade rc" rolls out to the fleet.
func releaseNotice(p *gh.ReleaseEvent) (notice, bool) {
	rel := p.GetRelease()
	if p.GetAction() != "published" || rel.GetDraft() {
		return notice{}, false
	}

	action, what, hint := "published", "release", ""
	if rel.GetPrerelease() {
		action, what, hint = "prereleased", "release candidate", " (upgrade rc would roll it out)"
	}
	tag := clip(rel.GetTagName(), maxName)
	if name := clean(rel.GetName()); name != "" && name != tag {
		tag += " " + quote(name, maxTitle)
	}
	repo := p.GetRepo().GetFullName()
	text := fmt.Sprintf("[%s] %s published %s %s%s", clip(repo, maxTitle),
		clip(p.GetSender().GetLogin(), maxName), what, tag, hint)

	n := notice{event: EventRelease, action: action, repo: repo,
		branches: []string{rel.GetTargetCommitish()}}
	n.line = compose(text, link(rel.GetHTMLURL()))
	return n, true
}

// statusVerbs are the commit status states gordon announces.
var statusVerbs = map[string]string{"failure": "failed", "error": "errored"}

// statusNotice announces a commit status that failed or errored.
//
// TODO: each failing context of a commit is a line of its own; a commit
// that fails ten contexts at once should give one grouped line.
func statusNotice(p *gh.StatusEvent) (notice, bool) {
	verb, ok := statusVerbs[p.GetState()]
	if !ok {
		return notice{}, false
	}

	var branches []string
	for _, b := range p.Branches {
		branches = append(branches, b.GetName())
	}
	repo := p.GetRepo().GetFullName()
	text := fmt.Sprintf("[%s] %s %s%s at %s", clip(repo, maxTitle), clip(p.GetContext(), maxName),
		verb, onBranches(branches), short(p.GetSHA()))
	if d := clean(p.GetDescription()); d != "" {
		text += ": " + quote(d, maxTitle)
	}

	url := link(p.GetTargetURL())
	if url == "" {
		url = link(p.GetCommit().GetHTMLURL())
	}
	n := notice{event: EventStatus, action: p.GetState(), repo: repo, branches: branches}
	n.line = compose(text, url)
	return n, true
}

// checkRunVerbs are the check run conclusions gordon announces.
var checkRunVerbs = map[string]string{
	"failure":         "failed",
	"timed_out":       "timed out",
	"startup_failure": "failed to start",
}

// checkRunNotice announces a completed check run that failed.
func checkRunNotice(p *gh.CheckRunEvent) (notice, bool) {
	run := p.GetCheckRun()
	verb, ok := checkRunVerbs[run.GetConclusion()]
	if p.GetAction() != "completed" || !ok {
		return notice{}, false
	}

	var branches []string
	if b := run.GetCheckSuite().GetHeadBranch(); b != "" {
		branches = []string{b}
	}
	repo := p.GetRepo().GetFullName()
	text := fmt.Sprintf("[%s] check run %s %s%s at %s", clip(repo, maxTitle),
		quote(run.GetName(), maxName), verb, onBranches(branches), short(run.GetHeadSHA()))
	if t := clean(run.GetOutput().GetTitle()); t != "" {
		text += ": " + quote(t, maxTitle)
	}

	url := link(run.GetHTMLURL())
	if url == "" {
		url = link(run.GetDetailsURL())
	}
	n := notice{event: EventCheckRun, action: run.GetConclusion(), repo: repo, branches: branches}
	n.line = compose(text, url)
	return n, true
}

// onBranches says where a commit is: " on master, release/1.7", at most
// three names, or nothing when it is at no branch head.
func onBranches(branches []string) string {
	if len(branches) == 0 {
		return ""
	}

	shown := min(len(branches), 3)
	names := make([]string, shown)
	for i, b := range branches[:shown] {
		names[i] = clip(b, maxName)
	}
	text := " on " + strings.Join(names, ", ")
	if more := len(branches) - shown; more > 0 {
		text += fmt.Sprintf(" and %d more", more)
	}
	return text
}

// count writes n things: "1 commit", "5 commits".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
