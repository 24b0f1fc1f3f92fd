package alerts

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
)

// Defaults of Config.
const (
	DefaultDebounce    = 30 * time.Second
	DefaultGroupWindow = 2 * time.Second
	DefaultFlapChanges = 5
	DefaultFlapWindow  = 10 * time.Minute

	DefaultUnreachableAfter = time.Minute
	DefaultProbeInterval    = 30 * time.Second
)

// Bounds Validate holds the durations to: beyond them a setting is more
// likely a typo than a wish.
const (
	maxDebounce    = time.Hour
	maxGroupWindow = time.Minute
	minFlapWindow  = time.Second
	maxFlapWindow  = 24 * time.Hour
	minFlapChanges = 2
	maxFlapChanges = 1000

	minRemind           = time.Minute
	maxRemind           = 7 * 24 * time.Hour
	minUnreachableAfter = time.Second
	maxUnreachableAfter = time.Hour
	minProbeInterval    = time.Second
	maxProbeInterval    = time.Hour
)

// The severities a route may name. A recovery has the severity of the
// state it recovers from; a node going down or coming back is critical.
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
)

// Config is the [alerts] section of gordon's configuration.
type Config struct {
	// Channel takes every transition that no channel route takes, and
	// the baseline summary.
	Channel string `toml:"channel"`

	// Debounce is how long a new state must hold before it is announced.
	// It is a pointer because "0s", announcing at once, is a setting of
	// its own and not the absence of one.
	Debounce *config.Duration `toml:"debounce"`

	// GroupWindow is how long transitions are gathered, from the first
	// one due, before they go out as one line per kind and check. "0s"
	// sends each tick's transitions at once.
	GroupWindow *config.Duration `toml:"group_window"`

	// A check that changes more than FlapChanges times within FlapWindow
	// is flapping: announced once, then quiet until it has held one
	// state for a whole FlapWindow.
	FlapChanges int             `toml:"flap_changes"`
	FlapWindow  config.Duration `toml:"flap_window"`

	// CheckDebounce overrides Debounce for checks of a name (or ID), and
	// ServiceDebounce for the checks of a service; a check's own name
	// wins over its service.
	CheckDebounce   map[string]config.Duration `toml:"check_debounce"`
	ServiceDebounce map[string]config.Duration `toml:"service_debounce"`

	// Remind repeats, every Remind from its announcement, one line about
	// a check that stays critical; "0s", the default, never does.
	Remind config.Duration `toml:"remind"`

	// UnreachableAfter is how long Consul, or Jenkins, must fail to answer
	// before one line says so; one more says when it is back.
	UnreachableAfter config.Duration `toml:"unreachable_after"`

	// ProbeInterval is how often gordon asks Jenkins and GitHub whether
	// they answer, to say when one does not; "0s" never asks. Consul
	// needs no probe: the health watch hears of its failures.
	ProbeInterval *config.Duration `toml:"probe_interval"`

	Routes []Route `toml:"routes"`
}

// Route sends the transitions that match it to one channel, or to one
// person in private. A transition matches when its node satisfies every
// selector of Select, its check's name or ID matches one of the globs of
// Checks, its service one of Services, and its severity is one of
// Severities; an empty list takes anything. A route naming Services takes
// no node-level check.
type Route struct {
	Channel string `toml:"channel"`

	// Private is the nick that gets the transitions in private.
	//
	// TODO: a maintainer's name is not resolved to the nick they use
	// now; that needs the chat side's account tracking.
	Private string `toml:"private"`

	// Select holds selectors as users write them: "storage=devmapper",
	// "kernel=3.*", "dm-*". Tag selectors are refused: the health watch
	// does not carry service tags.
	Select     []string `toml:"select"`
	Checks     []string `toml:"checks"`
	Services   []string `toml:"services"`
	Severities []string `toml:"severities"`
}

// Defaults fills what was left unset; Channel stays empty, since only
// the caller knows gordon's main channel.
func (c *Config) Defaults() {
	if c.Debounce == nil {
		d := config.Duration(DefaultDebounce)
		c.Debounce = &d
	}
	if c.GroupWindow == nil {
		d := config.Duration(DefaultGroupWindow)
		c.GroupWindow = &d
	}
	if c.FlapChanges == 0 {
		c.FlapChanges = DefaultFlapChanges
	}
	if c.FlapWindow == 0 {
		c.FlapWindow = config.Duration(DefaultFlapWindow)
	}
	if c.UnreachableAfter == 0 {
		c.UnreachableAfter = config.Duration(DefaultUnreachableAfter)
	}
	if c.ProbeInterval == nil {
		d := config.Duration(DefaultProbeInterval)
		c.ProbeInterval = &d
	}
}

// Validate reports every problem at once, as config.Problems keyed by
// field ("routes[1].channel"). It expects Defaults to have run.
func (c Config) Validate() error {
	var p config.Problems
	if !validChannel(c.Channel) {
		p.Add("channel", "%q is not a channel name (#name or &name)", c.Channel)
	}
	checkDuration(&p, "debounce", c.Debounce, 0, maxDebounce)
	checkDuration(&p, "group_window", c.GroupWindow, 0, maxGroupWindow)
	checkDuration(&p, "flap_window", &c.FlapWindow, minFlapWindow, maxFlapWindow)
	if c.FlapChanges < minFlapChanges || c.FlapChanges > maxFlapChanges {
		p.Add("flap_changes", "must be between %d and %d, got %d", minFlapChanges, maxFlapChanges, c.FlapChanges)
	}
	checkOverrides(&p, "check_debounce", c.CheckDebounce)
	checkOverrides(&p, "service_debounce", c.ServiceDebounce)
	checkOptional(&p, "remind", &c.Remind, minRemind, maxRemind)
	checkDuration(&p, "unreachable_after", &c.UnreachableAfter, minUnreachableAfter, maxUnreachableAfter)
	checkOptional(&p, "probe_interval", c.ProbeInterval, minProbeInterval, maxProbeInterval)

	for i, r := range c.Routes {
		p.Merge(fmt.Sprintf("routes[%d]", i), r.Validate())
	}
	return p.Err()
}

// checkDuration reports a duration that is unset or out of [lo, hi].
func checkDuration(p *config.Problems, key string, d *config.Duration, lo, hi time.Duration) {
	switch {
	case d == nil:
		p.Add(key, "not set")
	case d.D() < lo || d.D() > hi:
		p.Add(key, "must be between %s and %s, got %s", lo, hi, d)
	}
}

// checkOptional reports a duration that is unset, or neither "0s" (off)
// nor within [lo, hi].
func checkOptional(p *config.Problems, key string, d *config.Duration, lo, hi time.Duration) {
	if d != nil && d.D() == 0 {
		return
	}
	checkDuration(p, key, d, lo, hi)
}

// checkOverrides reports the problems of a table of debounce overrides.
func checkOverrides(p *config.Problems, key string, m map[string]config.Duration) {
	for _, name := range slices.Sorted(maps.Keys(m)) {
		k := key + "." + tomlKey(name)
		if strings.TrimSpace(name) == "" {
			p.Add(k, "an empty name matches no check")
		}
		d := m[name]
		checkDuration(p, k, &d, 0, maxDebounce)
	}
}

// tomlKey writes a table key as TOML does: bare when it can be, quoted
// otherwise.
func tomlKey(name string) string {
	bare := name != "" && !strings.ContainsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	})
	if bare {
		return name
	}
	return fmt.Sprintf("%q", name)
}

// Validate reports the problems of one route, keyed by its fields.
func (r Route) Validate() error {
	var p config.Problems
	switch {
	case r.Channel != "" && r.Private != "":
		p.Add("private", "a route goes to a channel or to a person, not both")
	case r.Channel == "" && r.Private == "":
		p.Add("channel", "name a channel, or a nick as private")
	case r.Channel != "" && !validChannel(r.Channel):
		p.Add("channel", "%q is not a channel name (#name or &name)", r.Channel)
	case r.Private != "" && !validNick(r.Private):
		p.Add("private", "%q is not a nick", r.Private)
	}

	for i, s := range r.Select {
		key := fmt.Sprintf("select[%d]", i)
		sel, err := fleet.ParseSelector(s)
		switch {
		case err != nil:
			p.Add(key, "%s", err.Error())
		case sel.Key == fleet.KeyTag:
			p.Add(key, "tag selectors cannot route alerts: health checks carry no service tags")
		}
	}
	checkGlobs(&p, "checks", r.Checks)
	checkGlobs(&p, "services", r.Services)
	for i, s := range r.Severities {
		if s != SeverityCritical && s != SeverityWarning {
			p.Add(fmt.Sprintf("severities[%d]", i), "%q is not %s or %s", s, SeverityCritical, SeverityWarning)
		}
	}
	return p.Err()
}

// checkGlobs reports names or globs that are empty or hold white space.
func checkGlobs(p *config.Problems, key string, globs []string) {
	for i, g := range globs {
		if g == "" || strings.ContainsAny(g, " \t\r\n") {
			p.Add(fmt.Sprintf("%s[%d]", key, i), "%q is not a name or glob", g)
		}
	}
}

// CheckMeta reports, keyed like Validate, the route selectors whose key
// is neither "node" nor a display name of keys (the [consul.meta] table).
// New runs it too; a caller validating the whole file runs it there, so
// that check-config says it with everything else.
func (c Config) CheckMeta(keys fleet.MetaKeys) error {
	var p config.Problems
	for i, r := range c.Routes {
		for j, s := range r.Select {
			sel, err := fleet.ParseSelector(s)
			if err != nil || sel.Key == fleet.KeyNode || sel.Key == fleet.KeyTag {
				continue
			}
			if _, ok := keys[sel.Key]; !ok {
				known := append(keys.Names(), fleet.KeyNode)
				p.Add(fmt.Sprintf("routes[%d].select[%d]", i, j), "unknown key %q (keys: %s)",
					sel.Key, strings.Join(known, ", "))
			}
		}
	}
	return p.Err()
}

// Channels returns every channel the alerts speak in, the default one
// first, each once (channel names compare without regard to case). gordon
// joins them all.
func (c Config) Channels() []string {
	var out []string
	seen := map[string]bool{}
	add := func(ch string) {
		if key := strings.ToLower(ch); ch != "" && !seen[key] {
			seen[key] = true
			out = append(out, ch)
		}
	}

	add(c.Channel)
	for _, r := range c.Routes {
		add(r.Channel)
	}
	return out
}

// debounceFor returns the debounce of a check: its name's or ID's
// override, else its service's, else the default.
func (c Config) debounceFor(name, id, service string) time.Duration {
	if d, ok := c.CheckDebounce[name]; ok {
		return d.D()
	}
	if d, ok := c.CheckDebounce[id]; ok {
		return d.D()
	}
	if d, ok := c.ServiceDebounce[service]; ok && service != "" {
		return d.D()
	}
	return c.Debounce.D()
}

// validChannel reports whether name can be joined: # or & and then up to
// 49 bytes without a space, comma, bell, CR, LF or NUL.
func validChannel(name string) bool {
	if len(name) < 2 || len(name) > 50 || name[0] != '#' && name[0] != '&' {
		return false
	}
	return !strings.ContainsAny(name, " ,\x07\r\n\x00")
}

// nickSpecials are the characters besides letters and digits that IRC
// allows in a nick.
const nickSpecials = "[]\\`_^{|}-"

// validNick reports whether nick can be sent a private message: a letter
// or special character, then letters, digits, specials and '-', at most
// 30 bytes.
func validNick(nick string) bool {
	if nick == "" || len(nick) > 30 {
		return false
	}
	for i := 0; i < len(nick); i++ {
		c := nick[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' || c == '-':
			if i == 0 {
				return false
			}
		case strings.IndexByte(nickSpecials, c) >= 0:
		default:
			return false
		}
	}
	return true
}
