package announce

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/gordonbot/gordon/fleet"
)

// route is a Route ready to match: globs compiled, sets built.
type route struct {
	repos    []*regexp.Regexp
	events   map[string]bool
	actions  map[string]bool
	branches []*regexp.Regexp
	channel  string
}

// compile prepares r, which must be validated, for matching.
func compile(r Route) (route, error) {
	c := route{events: set(r.Events), actions: set(r.Actions), channel: r.Channel}
	if len(r.Events) == 0 {
		c.events = set(Events)
	}

	var err error
	if c.repos, err = globs(r.Repos, "(?i)"); err != nil {
		return route{}, fmt.Errorf("repos: %w", err)
	}
	if c.branches, err = globs(r.Branches, ""); err != nil {
		return route{}, fmt.Errorf("branches: %w", err)
	}
	return c, nil
}

// globs compiles glob patterns, with flags in front of each.
func globs(patterns []string, flags string) ([]*regexp.Regexp, error) {
	out := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		re, err := regexp.Compile(flags + fleet.GlobRegexp(p))
		if err != nil {
			return nil, fmt.Errorf("glob %q: %w", p, err)
		}
		out[i] = re
	}
	return out, nil
}

func set(items []string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}
	return m
}

// matches reports whether n goes to this route's channel.
func (r route) matches(n notice) bool {
	return r.events[n.event] && anyMatch(r.repos, []string{n.repo}) &&
		r.takesAction(n) && (len(r.branches) == 0 || anyMatch(r.branches, n.branches))
}

// takesAction applies the route's actions to the events they belong to:
// when it names none of n's kind, every action of that kind passes.
func (r route) takesAction(n notice) bool {
	for _, a := range actions[n.event] {
		if r.actions[a] {
			return r.actions[n.action]
		}
	}
	return true
}

// anyMatch reports whether any of the patterns matches any of values.
func anyMatch(patterns []*regexp.Regexp, values []string) bool {
	return slices.ContainsFunc(values, func(v string) bool {
		return slices.ContainsFunc(patterns, func(re *regexp.Regexp) bool {
			return re.MatchString(v)
		})
	})
}
