package config

import (
	"errors"
	"fmt"
	"strings"
)

// Problem is one thing wrong with a configuration, named by its dotted key
// ("irc.server", "maintainers[1].accounts"). Key is empty when the problem
// belongs to the file as a whole, such as a syntax error.
type Problem struct {
	Key string
	Msg string
}

// String returns the problem as one line, "irc.server: missing port".
func (p Problem) String() string {
	if p.Key == "" {
		return p.Msg
	}
	return p.Key + ": " + p.Msg
}

// Problems collects every problem found in a configuration, so that all of
// them are reported at once. A non-empty Problems is an error; callers find
// it with errors.As.
type Problems []Problem

// Add records a problem at key, its message formatted from format and args.
func (p *Problems) Add(key, format string, args ...any) {
	*p = append(*p, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// Merge adds the problems of err, as returned by a sub-package's Validate,
// with their keys put under prefix: a problem "server" merged under "irc"
// becomes "irc.server". An err that is not, and does not wrap, Problems
// becomes one problem at prefix. A nil err adds nothing.
func (p *Problems) Merge(prefix string, err error) {
	if err == nil {
		return
	}

	var sub Problems
	if !errors.As(err, &sub) {
		*p = append(*p, Problem{Key: prefix, Msg: err.Error()})
		return
	}

	for _, q := range sub {
		*p = append(*p, Problem{Key: joinKey(prefix, q.Key), Msg: q.Msg})
	}
}

// Err returns p as an error, or nil when there is no problem.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}

// Error lists the problems one a line, each as "key: message".
func (p Problems) Error() string {
	lines := make([]string, len(p))
	for i, q := range p {
		lines[i] = q.String()
	}
	return strings.Join(lines, "\n")
}

// joinKey puts key under prefix. An index such as "[2]" joins without a dot.
func joinKey(prefix, key string) string {
	switch {
	case prefix == "":
		return key
	case key == "":
		return prefix
	case strings.HasPrefix(key, "["):
		return prefix + key
	}
	return prefix + "." + key
}
