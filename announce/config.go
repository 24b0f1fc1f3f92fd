package announce

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gordonbot/gordon/config"
)

// The event types gordon announces, as GitHub names them in the
// X-GitHub-Event header.
const (
	EventPush        = "push"
	EventPullRequest = "pull_request"
	EventRelease     = "release"
	EventStatus      = "status"
	EventCheckRun    = "check_run"
)

// Events lists the event types gordon announces, in the order a route
// with no events takes them.
var Events = []string{EventPush, EventPullRequest, EventRelease, EventStatus, EventCheckRun}

// actions are the values a route's actions may take, by event type. A
// push has none. A merged pull request is "merged", not "closed"; a
// published pre-release is "prereleased", a published release
// "published"; a status and a check run are named by how they failed.
var actions = map[string][]string{
	EventPush:        nil,
	EventPullRequest: {"opened", "closed", "merged", "reopened"},
	EventRelease:     {"published", "prereleased"},
	EventStatus:      {"failure", "error"},
	EventCheckRun:    {"failure", "timed_out", "startup_failure"},
}

// Config is the announcement routing of the [github] section: its
// [[github.routes]] tables.
type Config struct {
	Routes []Route `toml:"routes"`
}

// Route sends the events that match it to one channel. An event matches
// when its repository matches one of Repos, its type is one of Events,
// its action one of Actions and its branch one of Branches. Repos and
// Branches are globs, where '*' is any run of characters and '?' one
// character; repositories compare without regard to case, branches with.
// No events means every type gordon announces; no branches means every
// branch. Actions filter only the event types they belong to: with
// actions = ["merged"] a route still takes every push, but of the pull
// requests only the merged ones.
type Route struct {
	Repos    []string `toml:"repos"`
	Events   []string `toml:"events"`
	Actions  []string `toml:"actions"`
	Branches []string `toml:"branches"`
	Channel  string   `toml:"channel"`
}

// Defaults gives a route without events every announced type.
func (c *Config) Defaults() {
	for i := range c.Routes {
		if len(c.Routes[i].Events) == 0 {
			c.Routes[i].Events = slices.Clone(Events)
		}
	}
}

// Validate reports every problem of every route, as config.Problems
// keyed like "routes[1].channel".
func (c Config) Validate() error {
	var p config.Problems
	for i, r := range c.Routes {
		p.Merge(fmt.Sprintf("routes[%d]", i), r.Validate())
	}
	return p.Err()
}

// Validate reports the problems of one route, keyed by its fields.
func (r Route) Validate() error {
	var p config.Problems
	if !validChannel(r.Channel) {
		p.Add("channel", "%q is not a channel name (#name or &name)", r.Channel)
	}
	if len(r.Repos) == 0 {
		p.Add("repos", "name at least one repository, such as \"docker/docker\" or \"docker/*\"")
	}
	for i, repo := range r.Repos {
		if !validRepoGlob(repo) {
			p.Add(fmt.Sprintf("repos[%d]", i), "%q is not owner/name (globs allowed)", repo)
		}
	}
	r.checkEvents(&p)
	for i, b := range r.Branches {
		if b == "" || strings.ContainsAny(b, " \t\r\n") {
			p.Add(fmt.Sprintf("branches[%d]", i), "%q is not a branch name or glob", b)
		}
	}
	return p.Err()
}

// checkEvents reports unknown event types, and actions that belong to
// none of the route's types.
func (r Route) checkEvents(p *config.Problems) {
	for i, e := range r.Events {
		if _, ok := actions[e]; !ok {
			p.Add(fmt.Sprintf("events[%d]", i), "gordon does not announce %q; it announces %s",
				e, strings.Join(Events, ", "))
		}
	}

	events := r.Events
	if len(events) == 0 {
		events = Events
	}
	for i, a := range r.Actions {
		if actionEvent(events, a) == "" {
			p.Add(fmt.Sprintf("actions[%d]", i), "%q is no action of %s",
				a, strings.Join(events, ", "))
		}
	}
}

// actionEvent returns the event type among events that action belongs
// to, or "".
func actionEvent(events []string, action string) string {
	for _, e := range events {
		if slices.Contains(actions[e], action) {
			return e
		}
	}
	return ""
}

// Channels returns every channel a route names, each once (channel
// names compare without regard to case), in the order of the routes.
// gordon joins them all.
func (c Config) Channels() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range c.Routes {
		key := strings.ToLower(r.Channel)
		if r.Channel != "" && !seen[key] {
			seen[key] = true
			out = append(out, r.Channel)
		}
	}
	return out
}

// Wants reports whether some route takes events of type eventType; it
// suits the receiver's Options.Wants, so that other types are not even
// parsed.
func (c Config) Wants(eventType string) bool {
	for _, r := range c.Routes {
		if slices.Contains(r.Events, eventType) || len(r.Events) == 0 && actionsKnown(eventType) {
			return true
		}
	}
	return false
}

func actionsKnown(eventType string) bool {
	_, ok := actions[eventType]
	return ok
}

// validChannel reports whether name can be joined: # or & and then up to
// 49 bytes without a space, comma, bell, CR, LF or NUL.
func validChannel(name string) bool {
	if len(name) < 2 || len(name) > 50 || name[0] != '#' && name[0] != '&' {
		return false
	}
	return !strings.ContainsAny(name, " ,\x07\r\n\x00")
}

// validRepoGlob reports whether glob can match an owner/name: "*" alone,
// or two non-empty parts around one slash, without white space.
func validRepoGlob(glob string) bool {
	if glob == "*" {
		return true
	}
	owner, name, ok := strings.Cut(glob, "/")
	return ok && owner != "" && name != "" && !strings.Contains(name, "/") &&
		!strings.ContainsAny(glob, " \t\r\n")
}
