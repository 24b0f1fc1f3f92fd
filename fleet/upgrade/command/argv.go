package command

import (
	"errors"
	"fmt"
	"strings"
	"text/template"

	"github.com/gordonbot/gordon/fleet/upgrade"
)

// sample is the target a template is tried on when it is parsed, so that
// a field a target does not have fails at start, not at the first node.
var sample = upgrade.Target{Node: "dm-1", Address: "10.0.0.1", Version: "1.0.0", URL: "https://example.org/b"}

// commandLine is a program and its argument templates.
type commandLine struct {
	program string
	args    []*template.Template
}

// parseLine parses argv, which Config.Validate has checked.
func parseLine(argv []string) (commandLine, error) {
	if len(argv) == 0 {
		return commandLine{}, errors.New("no program")
	}

	c := commandLine{program: argv[0], args: make([]*template.Template, len(argv)-1)}
	for i, arg := range argv[1:] {
		t, err := parseArg(arg)
		if err != nil {
			return commandLine{}, fmt.Errorf("argument %d: %w", i+1, err)
		}
		c.args[i] = t
	}
	return c, nil
}

// parseArg parses one argument template and tries it on sample.
func parseArg(arg string) (*template.Template, error) {
	t, err := template.New("argument").Option("missingkey=error").Parse(arg)
	if err != nil {
		return nil, fmt.Errorf("bad template %q: %w", arg, err)
	}
	if _, err := render(t, sample); err != nil {
		return nil, err
	}
	return t, nil
}

// argv returns the command line for t: the program, then each argument
// rendered, every one a single argument whatever it holds.
func (c commandLine) argv(t upgrade.Target) ([]string, error) {
	out := make([]string, 0, len(c.args)+1)
	out = append(out, c.program)
	for _, tmpl := range c.args {
		arg, err := render(tmpl, t)
		if err != nil {
			return nil, err
		}
		out = append(out, arg)
	}
	return out, nil
}

// render executes one argument template on t.
func render(tmpl *template.Template, t upgrade.Target) (string, error) {
	var b strings.Builder
	if err := tmpl.Execute(&b, t); err != nil {
		return "", fmt.Errorf("template %q: %w", tmpl.Root.String(), err)
	}
	return b.String(), nil
}

// checkTarget refuses a target whose values could be read as something
// else than a value: one starting with '-' reads as an option to most
// programs, and a control character has no business in a node name or
// version.
func checkTarget(t upgrade.Target) error {
	fields := []struct{ name, value string }{
		{"node", t.Node}, {"address", t.Address}, {"version", t.Version}, {"url", t.URL},
	}
	for _, f := range fields {
		if strings.HasPrefix(f.value, "-") {
			return fmt.Errorf("refusing %s %q: it would read as an option", f.name, f.value)
		}
		if strings.ContainsFunc(f.value, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return fmt.Errorf("refusing %s %q: it holds a control character", f.name, f.value)
		}
	}
	return nil
}
