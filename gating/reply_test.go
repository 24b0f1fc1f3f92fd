package gating

import (
	"context"
	"fmt"
	"testing"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/integrations/github"
)

// commenter is a Commenter that keeps comments, or fails with err.
type commenter struct {
	err      error
	comments []string
}

func (c *commenter) Comment(ctx context.Context, repo string, number int, body string) error {
	if c.err != nil {
		return c.err
	}
	c.comments = append(c.comments, fmt.Sprintf("%s#%d %s", repo, number, body))
	return nil
}

func TestReplierRoutes(t *testing.T) {
	tests := []struct {
		name     string
		target   string
		err      error
		comments []string
		irc      []string
		fails    bool
	}{
		{name: "channel", target: "#docker-dev", irc: []string{"#docker-dev one", "#docker-dev two"}},
		{name: "pull request", target: CommentTarget(repo, number), comments: []string{"docker/docker#14021 one\ntwo"}},
		{name: "gate's own builds", target: statusTarget(repo, number)},
		{name: "github failing", target: CommentTarget(repo, number), err: &github.APIError{Status: 502}, fails: true},
		{name: "github refusing", target: CommentTarget(repo, number), err: &github.APIError{Status: 403}},
		{name: "not a pull request", target: "github:docker#1", irc: []string{"github:docker#1 one", "github:docker#1 two"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &commenter{err: tt.err}
			i := &irc{}
			err := NewReplier(c, i, nil).Send(context.Background(),
				commands.Reply{Target: tt.target, Lines: []string{"one", "two"}})
			if (err != nil) != tt.fails {
				t.Fatalf("Send: %v", err)
			}
			same(t, "comments", c.comments, tt.comments)
			same(t, "irc", i.lines, tt.irc)
		})
	}
}

func TestTargets(t *testing.T) {
	ref, ok := parseTarget(CommentTarget("docker/docker", 7))
	if !ok || ref.repo != "docker/docker" || ref.number != 7 || ref.quiet {
		t.Fatalf("comment target: %+v, %v", ref, ok)
	}
	ref, ok = parseTarget(statusTarget("docker/docker", 7))
	if !ok || !ref.quiet {
		t.Fatalf("status target: %+v, %v", ref, ok)
	}
	for _, bad := range []string{"#docker", "alice", "github:docker/docker", "github:docker/docker#x", "github:a/b/c#1"} {
		if _, ok := parseTarget(bad); ok {
			t.Errorf("%q read as a pull request", bad)
		}
	}
}
