package gating

import (
	"errors"
	"testing"
)

func TestRebuildLine(t *testing.T) {
	tests := []struct {
		name string
		body string
		args string
		ok   bool
	}{
		{"alone", "/rebuild", "", true},
		{"with jobs", "/rebuild docker-pr docker-pr-experimental", "docker-pr docker-pr-experimental", true},
		{"after text, CRLF", "Flaky again.\r\n/rebuild docker-pr\r\n", "docker-pr", true},
		{"trailing space", "/rebuild   ", "", true},
		{"first of two", "/rebuild a\n/rebuild b", "a", true},
		{"after a closed fence", "```\n/rebuild x\n```\n/rebuild y", "y", true},
		{"after a closed html comment", "<!-- template -->\n/rebuild", "", true},
		{"quoted", "> /rebuild", "", false},
		{"nested quote", ">> /rebuild", "", false},
		{"fenced", "```\n/rebuild\n```", "", false},
		{"unclosed fence", "```go\n/rebuild", "", false},
		{"longer fence", "````\n```\n/rebuild\n````", "", false},
		{"tilde fence", "~~~\n/rebuild\n~~~", "", false},
		{"indented code", "    /rebuild", "", false},
		{"tab indented", "\t/rebuild", "", false},
		{"one space", " /rebuild", "", false},
		{"html comment block", "<!--\n/rebuild\n-->", "", false},
		{"inline code", "`/rebuild`", "", false},
		{"mid sentence", "please /rebuild", "", false},
		{"longer word", "/rebuilding", "", false},
		{"upper case", "/REBUILD", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args, ok := rebuildLine(tt.body)
			if ok != tt.ok || args != tt.args {
				t.Fatalf("rebuildLine(%q) = %q, %v; want %q, %v", tt.body, args, ok, tt.args, tt.ok)
			}
		})
	}
}

func TestParseJobs(t *testing.T) {
	tests := []struct {
		name string
		args string
		want []string
		bad  bool
	}{
		{"none", "", nil, false},
		{"names", "docker-pr docker-pr-experimental", []string{"docker-pr", "docker-pr-experimental"}, false},
		{"keyword as on irc", "job docker-pr", []string{"docker-pr"}, false},
		{"twice", "docker-pr docker-pr", []string{"docker-pr"}, false},
		{"option", "--force", nil, true},
		{"selector", "on kernel=4.*", nil, true},
		{"quoted", `"docker pr"`, nil, true},
		{"too many", "a b c d e f g h i j k", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseJobs(tt.args)
			if tt.bad != errors.Is(err, errJobs) {
				t.Fatalf("parseJobs(%q) error %v", tt.args, err)
			}
			if !tt.bad {
				same(t, "jobs", got, tt.want)
			}
		})
	}
	same(t, "line", rebuildCommandLine(14021, []string{"a", "b"}), "rebuild 14021 job a b")
}
