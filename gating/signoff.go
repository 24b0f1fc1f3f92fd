package gating

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/gordonbot/gordon/integrations/github"
)

// SignOffContext is the commit status context of the sign-off check.
const SignOffContext = "gordon/sign-off"

// signedOffBy matches a Signed-off-by trailer line: a name, then an
// address in angle brackets with a local part, an @ and a domain of at
// least two labels. The key is matched without regard to case, as git
// matches trailer keys; the address is matched strictly.
var signedOffBy = regexp.MustCompile(`(?i:^signed-off-by):[ \t]+` +
	`([^<>\s][^<>]*?)[ \t]+` +
	`<([A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)>[ \t]*$`)

// SignedOff reports whether a commit message has a line
// "Signed-off-by: Name <email>", anywhere in it.
func SignedOff(message string) bool {
	for line := range strings.Lines(message) {
		if signedOffBy.MatchString(strings.TrimRight(line, "\r\n")) {
			return true
		}
	}
	return false
}

// Unsigned returns the commits that need a sign-off and lack one. Merge
// commits, those with more than one parent, need none: they bring in
// work that was signed where it was written.
func Unsigned(commits []github.Commit) []github.Commit {
	var out []github.Commit
	for _, c := range commits {
		if c.Parents <= 1 && !SignedOff(c.Message) {
			out = append(out, c)
		}
	}
	return out
}

// signOffStatus is the sign-off status of a head whose commits are
// commits, of which unsigned lack a sign-off.
func signOffStatus(commits, unsigned []github.Commit) github.Status {
	if len(unsigned) == 0 {
		merges := 0
		for _, c := range commits {
			if c.Parents > 1 {
				merges++
			}
		}
		desc := countCommits(len(commits)-merges) + " signed off"
		switch merges {
		case 0:
		case 1:
			desc += "; 1 merge needs none"
		default:
			desc += fmt.Sprintf("; %d merges need none", merges)
		}
		return github.Status{State: github.StateSuccess, Context: SignOffContext, Description: desc}
	}

	shas := make([]string, len(unsigned))
	for i, c := range unsigned {
		shas[i] = shortSHA(c.SHA)
	}
	return github.Status{State: github.StateFailure, Context: SignOffContext,
		Description: listWithin("not signed off: ", shas, maxDescription)}
}

// maxDescription is the longest status description GitHub takes.
const maxDescription = 140

// listWithin writes prefix and as many items as fit in max runes, then
// how many more there are.
func listWithin(prefix string, items []string, max int) string {
	text := prefix + strings.Join(items, ", ")
	for n := len(items) - 1; len([]rune(text)) > max && n > 0; n-- {
		text = fmt.Sprintf("%s%s and %d more", prefix, strings.Join(items[:n], ", "), len(items)-n)
	}
	return text
}

func countCommits(n int) string {
	if n == 1 {
		return "the commit is"
	}
	return fmt.Sprintf("all %d commits are", n)
}

// fixComment is the comment that tells the author which commits lack a
// sign-off and how to add it. base is the branch the pull request goes
// into.
func fixComment(unsigned []github.Commit, base string) string {
	var b strings.Builder
	b.WriteString("Thanks for the pull request! Every commit needs a `Signed-off-by: Name <email>` line, " +
		"which certifies that you wrote the change or may contribute it " +
		"([Developer Certificate of Origin](https://developercertificate.org/)). ")
	if len(unsigned) == 1 {
		b.WriteString("This commit has none:\n\n")
	} else {
		fmt.Fprintf(&b, "These %d commits have none:\n\n", len(unsigned))
	}

	for _, c := range unsigned[:min(len(unsigned), maxListed)] {
		fmt.Fprintf(&b, "- %s `%s`\n", shortSHA(c.SHA), subject(c.Message))
	}
	if extra := len(unsigned) - maxListed; extra > 0 {
		fmt.Fprintf(&b, "- and %d more\n", extra)
	}

	if base == "" {
		base = "master"
	}
	fmt.Fprintf(&b, "\nTo sign off the last commit: `git commit --amend -s --no-edit`\n"+
		"To sign off every commit of the branch: `git rebase --signoff origin/%s`\n\n"+
		"Then update the pull request with `git push --force-with-lease`; "+
		"the check runs again on the next push.\n", base)
	return b.String()
}

// maxListed bounds the commits a comment names one by one.
const maxListed = 20

// subject is a commit's first line, made safe for a code span: no
// backticks or control characters, at most 72 runes.
func subject(message string) string {
	line, _, _ := strings.Cut(message, "\n")
	line = strings.Map(func(r rune) rune {
		if r == '`' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, line)
	line = strings.TrimSpace(line)
	if r := []rune(line); len(r) > 72 {
		line = string(r[:71]) + "…"
	}
	if line == "" {
		return "(no subject)"
	}
	return line
}

// shortSHA abbreviates a commit SHA as git does.
func shortSHA(sha string) string {
	return sha[:min(len(sha), 10)]
}
