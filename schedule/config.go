package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/gordonbot/gordon/bot"
	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
)

// Entry is one [[schedules]] entry of the configuration.
type Entry struct {
	// Name names the schedule in the channel, in the log and in the
	// audit trail: "weekly-master".
	Name string `toml:"name"`

	// Cron is when it runs: five fields (minute, hour, day of month,
	// month, day of week) or a descriptor such as @weekly, in the zone
	// the top-level timezone names.
	Cron string `toml:"cron"`

	// Command is the command line, without a prefix: "upgrade master
	// storage=overlay".
	Command string `toml:"command"`

	// Channel is where the output goes; gordon joins it.
	Channel string `toml:"channel"`

	// As names the maintainer, of [[maintainers]], it runs as.
	As string `toml:"as"`
}

// maxName bounds a schedule's name, which appears in every line about it.
const maxName = 40

// parser reads the cron specs gordon takes: five fields, or a
// descriptor.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Validate reports every problem of the entries, each keyed by its
// index and key ("[0].cron"), so that a caller merges them under
// "schedules". maintainers are those As may name.
func Validate(entries []Entry, maintainers []commands.Maintainer) error {
	var p config.Problems
	seen := map[string]bool{}
	for i, e := range entries {
		key := func(k string) string { return fmt.Sprintf("[%d].%s", i, k) }
		if strings.TrimSpace(e.Name) != "" && seen[strings.ToLower(e.Name)] {
			p.Add(key("name"), "%q names another schedule too", e.Name)
		}
		seen[strings.ToLower(e.Name)] = true
		e.validate(&p, key, maintainers)
	}
	return p.Err()
}

// validate adds the entry's own problems, keyed by key.
func (e Entry) validate(p *config.Problems, key func(string) string, maintainers []commands.Maintainer) {
	if !validName(e.Name) {
		p.Add(key("name"), "%q is not a name: up to %d letters, digits, '-', '_' or '.'", e.Name, maxName)
	}
	if _, err := parseSpec(e.Cron); err != nil {
		p.Add(key("cron"), "%v", err)
	}
	if err := checkLine(e.Command); err != nil {
		p.Add(key("command"), "%v", err)
	}
	if !bot.ValidChannel(e.Channel) {
		p.Add(key("channel"), "%q is not a channel name", e.Channel)
	}
	if _, ok := maintainer(maintainers, e.As); !ok {
		p.Add(key("as"), "%q names no maintainer: name one of [[maintainers]]", e.As)
	}
}

// parseSpec reads a cron spec. A zone in the spec is refused, so that
// every schedule runs in the one zone the configuration names, and so
// is @every, whose runs would move with each restart of gordon.
func parseSpec(spec string) (cron.Schedule, error) {
	spec = strings.TrimSpace(spec)
	switch {
	case spec == "":
		return nil, fmt.Errorf("required: five fields such as \"0 3 * * 6\", or a descriptor such as @weekly")
	case strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ="):
		return nil, fmt.Errorf("%q names a zone: set the top-level timezone instead", spec)
	case strings.HasPrefix(spec, "@every"):
		return nil, fmt.Errorf("%q runs relative to when gordon started: give times of day instead", spec)
	}

	s, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron spec: %w", spec, err)
	}
	// cron's Next gives up, with a zero time, on a spec such as the 30th
	// of February that names no day in the next five years.
	if s.Next(neverBefore).IsZero() {
		return nil, fmt.Errorf("%q never falls due", spec)
	}
	return s, nil
}

// neverBefore is when a spec is tried from, to see that it falls due at
// all: a leap day, so that "29 2" passes.
var neverBefore = time.Date(2028, 2, 1, 0, 0, 0, 0, time.UTC)

// checkLine reports a command line that cannot be a command: empty,
// several lines, or written with a prefix.
func checkLine(line string) error {
	switch {
	case strings.TrimSpace(line) == "":
		return fmt.Errorf("required: a command line such as \"upgrade master storage=overlay\"")
	case strings.ContainsAny(line, "\r\n\x00"):
		return fmt.Errorf("must be one line")
	case strings.HasPrefix(strings.TrimSpace(line), "!"):
		return fmt.Errorf("%q: give the command without a prefix", line)
	}
	if _, err := commands.ParseInvocation(line); err != nil {
		return fmt.Errorf("%q: %w", line, err)
	}
	return nil
}

// validName accepts what reads well in a line and a log.
func validName(name string) bool {
	if name == "" || len(name) > maxName {
		return false
	}
	for _, r := range name {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && !(r >= '0' && r <= '9') && !strings.ContainsRune("-_.", r) {
			return false
		}
	}
	return true
}

// maintainer returns the maintainer named name, compared without case.
func maintainer(maintainers []commands.Maintainer, name string) (commands.Maintainer, bool) {
	for _, m := range maintainers {
		if name != "" && strings.EqualFold(m.Name, name) {
			return m, true
		}
	}
	return commands.Maintainer{}, false
}

// Registry finds commands by name. *commands.Registry implements it.
type Registry interface {
	Lookup(name string) *commands.Command
}

// CheckCommands reports each entry whose command gordon does not have,
// keyed as Validate keys them. It is called once every command is
// registered: which commands there are depends on what is configured.
func CheckCommands(entries []Entry, reg Registry) error {
	var p config.Problems
	for i, e := range entries {
		inv, err := commands.ParseInvocation(e.Command)
		if err != nil {
			continue // Validate has said why
		}
		if reg.Lookup(inv.Name) == nil {
			p.Add(fmt.Sprintf("[%d].command", i), "gordon has no command %q here (is its part configured?)",
				inv.Name)
		}
	}
	return p.Err()
}

// Channels returns the channels the entries name, for gordon to join.
func Channels(entries []Entry) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range entries {
		if key := strings.ToLower(e.Channel); !seen[key] {
			seen[key] = true
			out = append(out, e.Channel)
		}
	}
	return out
}
