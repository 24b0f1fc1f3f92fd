package config

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestProblemsAdd(t *testing.T) {
	var p Problems
	p.Add("irc.server", "missing port")
	p.Add("irc.port", "%d is out of range", 70000)

	want := Problems{
		{Key: "irc.server", Msg: "missing port"},
		{Key: "irc.port", Msg: "70000 is out of range"},
	}
	if !slices.Equal(p, want) {
		t.Errorf("got %v, want %v", p, want)
	}
}

func TestProblemsMerge(t *testing.T) {
	sub := Problems{{Key: "server", Msg: "missing"}, {Key: "[1].name", Msg: "empty"}}

	tests := []struct {
		name   string
		prefix string
		err    error
		want   Problems
	}{
		{
			name:   "nil adds nothing",
			prefix: "irc",
			err:    nil,
			want:   nil,
		},
		{
			name:   "problems go under the prefix",
			prefix: "irc",
			err:    sub,
			want: Problems{
				{Key: "irc.server", Msg: "missing"},
				{Key: "irc[1].name", Msg: "empty"},
			},
		},
		{
			name:   "wrapped problems are found",
			prefix: "jenkins",
			err:    fmt.Errorf("validating: %w", sub),
			want: Problems{
				{Key: "jenkins.server", Msg: "missing"},
				{Key: "jenkins[1].name", Msg: "empty"},
			},
		},
		{
			name:   "problem without a key takes the prefix",
			prefix: "consul",
			err:    Problems{{Msg: "no address"}},
			want:   Problems{{Key: "consul", Msg: "no address"}},
		},
		{
			name:   "empty prefix keeps the keys",
			prefix: "",
			err:    sub,
			want:   sub,
		},
		{
			name:   "other error is one problem",
			prefix: "github",
			err:    errors.New("webhook secret is empty"),
			want:   Problems{{Key: "github", Msg: "webhook secret is empty"}},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Problems
			p.Merge(tt.prefix, tt.err)

			if !slices.Equal(p, tt.want) {
				t.Errorf("got %v, want %v", p, tt.want)
			}
		})
	}
}

func TestProblemsErr(t *testing.T) {
	var empty Problems
	if err := empty.Err(); err != nil {
		t.Errorf("empty problems: got error %v, want nil", err)
	}

	p := Problems{{Key: "irc.server", Msg: "missing port"}}
	err := p.Err()

	var got Problems
	if !errors.As(err, &got) || !slices.Equal(got, p) {
		t.Errorf("errors.As on %v: got %v, want %v", err, got, p)
	}
}

func TestProblemsError(t *testing.T) {
	p := Problems{
		{Key: "irc.server", Msg: "missing port"},
		{Key: "maintainers[1].accounts", Msg: "unknown key"},
		{Msg: "syntax error on line 3: expected value"},
	}

	want := "irc.server: missing port\n" +
		"maintainers[1].accounts: unknown key\n" +
		"syntax error on line 3: expected value"
	if got := p.Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

type keyedErr struct{ key, msg string }

func (e keyedErr) Error() string                { return e.key + ": " + e.msg }
func (e keyedErr) ConfigKey() (key, msg string) { return e.key, e.msg }

func TestMergeKeyedErrors(t *testing.T) {
	var p Problems
	p.Merge("jenkins", errors.Join(keyedErr{"url", "required"}, keyedErr{"timeout", "too long"}))
	p.Merge("consul", errors.New("plain"))

	want := "jenkins.url: required\njenkins.timeout: too long\nconsul: plain"
	if p.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", p.Error(), want)
	}
}
