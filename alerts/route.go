package alerts

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/gordonbot/gordon/fleet"
)

// target is where lines go: a channel, or a nick in private.
type target struct {
	name    string
	private bool
}

// route is a Route ready to match: selectors parsed, globs compiled.
type route struct {
	target     int // index into the engine's targets
	private    bool
	sels       fleet.Selectors
	checks     []*regexp.Regexp
	services   []*regexp.Regexp
	severities []string
}

// compileRoutes prepares the routes of cfg, which must be validated, and
// returns them with every target they name; the default channel is
// target 0. A channel named twice is one target.
func compileRoutes(cfg Config) ([]route, []target, error) {
	targets := []target{{name: cfg.Channel}}
	routes := make([]route, len(cfg.Routes))
	for i, r := range cfg.Routes {
		c, err := compileRoute(r)
		if err != nil {
			return nil, nil, fmt.Errorf("routes[%d]: %w", i, err)
		}

		t := target{name: r.Channel}
		if r.Private != "" {
			t = target{name: r.Private, private: true}
		}
		c.target, targets = targetIndex(targets, t)
		c.private = t.private
		routes[i] = c
	}
	return routes, targets, nil
}

// targetIndex returns the index of t among targets, adding it when it is
// not there. Names compare without regard to case, as IRC does.
func targetIndex(targets []target, t target) (int, []target) {
	i := slices.IndexFunc(targets, func(o target) bool {
		return o.private == t.private && strings.EqualFold(o.name, t.name)
	})
	if i >= 0 {
		return i, targets
	}
	return len(targets), append(targets, t)
}

// compileRoute parses a route's selectors and compiles its globs.
func compileRoute(r Route) (route, error) {
	c := route{severities: r.Severities}
	for _, s := range r.Select {
		sel, err := fleet.ParseSelector(s)
		if err != nil {
			return route{}, fmt.Errorf("select: %w", err)
		}
		c.sels = append(c.sels, sel)
	}

	var err error
	if c.checks, err = compileGlobs(r.Checks); err != nil {
		return route{}, fmt.Errorf("checks: %w", err)
	}
	if c.services, err = compileGlobs(r.Services); err != nil {
		return route{}, fmt.Errorf("services: %w", err)
	}
	return c, nil
}

// compileGlobs compiles shell-style globs, anchored at both ends.
func compileGlobs(globs []string) ([]*regexp.Regexp, error) {
	out := make([]*regexp.Regexp, len(globs))
	for i, g := range globs {
		re, err := regexp.Compile(fleet.GlobRegexp(g))
		if err != nil {
			return nil, fmt.Errorf("glob %q: %w", g, err)
		}
		out[i] = re
	}
	return out, nil
}

// matches reports whether ev goes this route's way. values are the node's
// metadata by display name; a node gordon has no metadata for matches
// only negated selectors.
func (r route) matches(ev event, values map[string]string) bool {
	if len(r.severities) > 0 && !slices.Contains(r.severities, ev.severity) {
		return false
	}
	if len(r.checks) > 0 && !anyMatch(r.checks, ev.check) && !anyMatch(r.checks, ev.checkID) {
		return false
	}
	if len(r.services) > 0 && (ev.service == "" || !anyMatch(r.services, ev.service)) {
		return false
	}
	return r.sels.Matches(ev.node, values, nil)
}

// anyMatch reports whether any pattern matches s.
func anyMatch(patterns []*regexp.Regexp, s string) bool {
	return slices.ContainsFunc(patterns, func(re *regexp.Regexp) bool { return re.MatchString(s) })
}

// routeEvents splits events by target: each goes to every route that takes it,
// and to the default channel when no channel route does. The result has
// one slice per target, in the order of targets.
func routeEvents(routes []route, ntargets int, evs []event, f *facts) [][]event {
	out := make([][]event, ntargets)
	for _, ev := range evs {
		values := f.of(ev.node)
		toChannel := false
		took := make([]bool, ntargets)
		for _, r := range routes {
			if took[r.target] || !r.matches(ev, values) {
				continue
			}
			took[r.target] = true
			toChannel = toChannel || !r.private
		}
		if !toChannel {
			took[0] = true
		}

		for i, ok := range took {
			if ok {
				out[i] = append(out[i], ev)
			}
		}
	}
	return out
}
