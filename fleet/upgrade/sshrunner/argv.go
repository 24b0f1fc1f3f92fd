package sshrunner

import (
	"errors"
	"fmt"
	"strings"
	"text/template"

	"github.com/gordonbot/gordon/fleet/upgrade"
)

// sample is the target a template is tried on when it is parsed, so that
// a field a target does not have fails at start, not at the first node.
var sample = upgrade.Target{
	Node: "dm-1", Address: "10.0.0.1", Version: "1.0.0", URL: "https://example.org/b",
}

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
		t, err := parseTemplate("argument", arg)
		if err != nil {
			return commandLine{}, fmt.Errorf("argument %d: %w", i+1, err)
		}
		c.args[i] = t
	}
	return c, nil
}

// parseTemplate parses text and tries it on sample.
func parseTemplate(name, text string) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("bad template %q: %w", text, err)
	}
	if _, err := render(t, sample); err != nil {
		return nil, err
	}
	return t, nil
}

// render executes one template on t.
func render(tmpl *template.Template, t upgrade.Target) (string, error) {
	var b strings.Builder
	if err := tmpl.Execute(&b, t); err != nil {
		return "", fmt.Errorf("template %q: %w", tmpl.Root.String(), err)
	}
	return b.String(), nil
}

// line returns the command line for t as the node's shell reads it: the
// program, then each argument rendered, every one quoted so that it
// stays a single argument whatever it holds.
func (c commandLine) line(t upgrade.Target) (string, error) {
	words := make([]string, 0, len(c.args)+1)
	words = append(words, c.program)
	for _, tmpl := range c.args {
		arg, err := render(tmpl, t)
		if err != nil {
			return "", err
		}
		words = append(words, arg)
	}
	return quoteAll(words), nil
}

// checkTarget refuses a target whose values could be read as something
// else than a value. Quoting keeps each one a single word, but one that
// starts with '-' still reads as an option to most programs, and a
// control character has no business in a node name or version.
func checkTarget(t upgrade.Target) error {
	fields := []struct{ name, value string }{
		{"node", t.Node}, {"address", t.Address}, {"version", t.Version}, {"url", t.URL},
	}
	for _, f := range fields {
		if err := checkValue(f.name, f.value); err != nil {
			return err
		}
	}
	return nil
}

// checkValue refuses one value for the reasons checkTarget gives.
func checkValue(name, value string) error {
	if strings.HasPrefix(value, "-") {
		return fmt.Errorf("refusing %s %q: it would read as an option", name, value)
	}
	if strings.ContainsFunc(value, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("refusing %s %q: it holds a control character", name, value)
	}
	return nil
}
