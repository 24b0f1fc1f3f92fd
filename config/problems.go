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

// KeyedError is an error that names its configuration key. Packages that
// may not import this one (the integrations) return such errors, joined
// with errors.Join, from their Validate.
type KeyedError interface {
	error
	ConfigKey() (key, msg string)
}

// Merge adds the problems of err, as returned by a sub-package's Validate,
// with their keys put under prefix: a problem "server" merged under "irc"
// becomes "irc.server". err may be Problems, a KeyedError, or an
// errors.Join of them; any other error becomes one problem at prefix. A
// nil err adds nothing.
func (p *Problems) Merge(prefix string, err error) {
	if err == nil {
		return
	}

	var sub Problems
	var keyed KeyedError
	switch joined, ok := err.(interface{ Unwrap() []error }); {
	case errors.As(err, &sub):
		for _, q := range sub {
			*p = append(*p, Problem{Key: joinKey(prefix, q.Key), Msg: q.Msg})
		}
	case ok:
		for _, e := range joined.Unwrap() {
			p.Merge(prefix, e)
		}
	case errors.As(err, &keyed):
		key, msg := keyed.ConfigKey()
		*p = append(*p, Problem{Key: joinKey(prefix, key), Msg: msg})
	default:
		*p = append(*p, Problem{Key: prefix, Msg: err.Error()})
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
