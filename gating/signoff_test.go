package gating

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gordonbot/gordon/integrations/github"
)

func TestSignedOff(t *testing.T) {
	tests := []struct {
		name    string
		message string
		want    bool
	}{
		{"trailer", "Fix the thing\n\nSigned-off-by: Bob Contributor <bob@example.org>", true},
		{"trailer with CRLF", "Fix\r\n\r\nSigned-off-by: Bob <bob@example.org>\r\n", true},
		{"in the middle", "Fix\n\nSigned-off-by: Bob <bob@example.org>\nReviewed-by: Al <al@example.org>\n", true},
		{"key in other case", "Fix\n\nsigned-off-by: Bob <bob@example.org>", true},
		{"several people", "Fix\n\nSigned-off-by: Bob <bob@example.org>\nSigned-off-by: Ann Lee <ann@x.example.co.uk>", true},
		{"plus address", "Fix\n\nSigned-off-by: Bob <bob+docker@example.org>", true},
		{"none", "Fix the thing", false},
		{"no email", "Fix\n\nSigned-off-by: Bob", false},
		{"email without brackets", "Fix\n\nSigned-off-by: Bob bob@example.org", false},
		{"no name", "Fix\n\nSigned-off-by: <bob@example.org>", false},
		{"no domain dot", "Fix\n\nSigned-off-by: Bob <bob@localhost>", false},
		{"no at", "Fix\n\nSigned-off-by: Bob <bob.example.org>", false},
		{"two ats", "Fix\n\nSigned-off-by: Bob <bob@@example.org>", false},
		{"space in address", "Fix\n\nSigned-off-by: Bob <bob @example.org>", false},
		{"text after the address", "Fix\n\nSigned-off-by: Bob <bob@example.org> (mostly)", false},
		{"indented", "Fix\n\n    Signed-off-by: Bob <bob@example.org>", false},
		{"quoted", "Fix\n\n> Signed-off-by: Bob <bob@example.org>", false},
		{"no space after the colon", "Fix\n\nSigned-off-by:Bob <bob@example.org>", false},
		{"misspelled key", "Fix\n\nSigned-of-by: Bob <bob@example.org>", false},
		{"inside a sentence", "Fix: add Signed-off-by: Bob <bob@example.org>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SignedOff(tt.message); got != tt.want {
				t.Fatalf("SignedOff(%q) = %v, want %v", tt.message, got, tt.want)
			}
		})
	}
}

func TestUnsignedExemptsMerges(t *testing.T) {
	commits := []github.Commit{
		{SHA: "a1", Message: "one\n\nSigned-off-by: Bob <bob@example.org>", Parents: 1},
		{SHA: "b2", Message: "Merge branch 'master' into docs", Parents: 2},
		{SHA: "c3", Message: "two", Parents: 1},
		{SHA: "d4", Message: "root commit", Parents: 0},
	}
	got := Unsigned(commits)
	if len(got) != 2 || got[0].SHA != "c3" || got[1].SHA != "d4" {
		t.Fatalf("Unsigned = %+v, want c3 and d4", got)
	}
}

func TestSignOffStatus(t *testing.T) {
	many := make([]github.Commit, 30)
	for i := range many {
		many[i] = github.Commit{SHA: strings.Repeat(string(rune('a'+i%26)), 40), Parents: 1}
	}
	tests := []struct {
		name     string
		commits  []github.Commit
		unsigned []github.Commit
		state    string
		desc     string
	}{
		{"one signed", many[:1], nil, "success", "the commit is signed off"},
		{"all signed", many[:3], nil, "success", "all 3 commits are signed off"},
		{"two unsigned", many[:3], many[1:3], "failure", "not signed off: bbbbbbbbbb, cccccccccc"},
		{"with merges", []github.Commit{{Parents: 1}, {Parents: 2}, {Parents: 2}}, nil, "success",
			"the commit is signed off; 2 merges need none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := signOffStatus(tt.commits, tt.unsigned)
			if st.State != tt.state || st.Description != tt.desc || st.Context != SignOffContext {
				t.Fatalf("status %+v", st)
			}
		})
	}

	st := signOffStatus(many, many)
	if n := utf8.RuneCountInString(st.Description); n > maxDescription || !strings.HasSuffix(st.Description, "more") {
		t.Fatalf("long description (%d runes): %q", n, st.Description)
	}
}

func TestFixComment(t *testing.T) {
	unsigned := []github.Commit{
		{SHA: "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e", Message: "docs: `storage-opt`\n\nbody"},
		{SHA: "1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f", Message: "\x1b[31mred\x07 @everyone"},
	}
	got := fixComment(unsigned, "release-1.7")
	for _, want := range []string{
		"These 2 commits have none",
		"- 0d1e2f3a4b `docs: storage-opt`",
		"- 1e2f3a4b5c `[31mred @everyone`",
		"git commit --amend -s --no-edit",
		"git rebase --signoff origin/release-1.7",
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("comment lacks %q:\n%s", want, got)
		}
	}
}
