package config

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// envRef matches a value that is exactly one ${NAME}.
var envRef = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// secretNames are the last parts of keys whose values are secrets.
var secretNames = map[string]bool{
	"password":          true,
	"token":             true,
	"secret":            true,
	"secrets":           true,
	"api_token":         true,
	"sasl_password":     true,
	"nickserv_password": true,
}

// secretSuffixes mark further keys whose values are secrets.
var secretSuffixes = []string{"_secrets", "_password", "_token", "_secret"}

// resolved is a string that came from the environment or from a file. It is
// never expanded again, and may be read as a number or a boolean when the
// field wants one, since neither source can say what type it means.
type resolved string

// expand resolves s, the string value at key: exactly ${NAME} is read from
// the environment, any other use of ${ is an error, and the rest is kept as
// written. fromEnv tells whether the value came from the environment; ok is
// false when a problem was recorded.
func (w *walker) expand(key, s string) (val string, fromEnv, ok bool) {
	m := envRef.FindStringSubmatch(s)
	if m == nil {
		if strings.Contains(s, "${") {
			w.problems.Add(key, "only a whole value can be ${NAME}, "+
				"with NAME made of letters, digits and underscores")
			return "", false, false
		}
		return s, false, true
	}

	val, set := w.env(m[1])
	if !set {
		w.problems.Add(key, "environment variable %s is not set", m[1])
		return "", false, false
	}
	return val, true, true
}

// fromFile reads the value that the X_file key at key names. raw is the
// path as written, which may be ${NAME}. When list is true the value is
// one item for each non-blank line; otherwise it is the whole text with
// its trailing newline removed.
func (w *walker) fromFile(key string, raw any, list bool) (any, bool) {
	s, ok := raw.(string)
	if !ok {
		w.problems.Add(key, "want a file path (string), got %s", typeName(raw))
		return nil, false
	}

	path, _, ok := w.expand(key, s)
	if !ok {
		return nil, false
	}

	data, err := w.readFile(path)
	if err != nil {
		w.problems.Add(key, "%s", readProblem(path, err))
		return nil, false
	}

	text := strings.TrimRight(string(data), "\r\n")
	if !list {
		return resolved(text), true
	}
	return fileLines(text), true
}

// readProblem says why path could not be read, naming the path once even
// when err, as an *fs.PathError, names it too.
func readProblem(path string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("reading %s: %s", pe.Path, pe.Err.Error())
	}
	return fmt.Sprintf("reading %s: %s", path, err.Error())
}

// fileLines splits text into one item a line, leaving out blank lines and
// the spaces around each item.
func fileLines(text string) []any {
	var items []any
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line != "" {
			items = append(items, resolved(line))
		}
	}
	return items
}

// warnSecret records a warning when the key name takes a secret and v holds
// one written in the file. The warning names the key, never the value.
func (w *walker) warnSecret(key, name string, v any) {
	if !isSecretName(name) || !hasLiteral(v) {
		return
	}

	w.warnings = append(w.warnings, fmt.Sprintf(
		"%s: literal secret in the config file; use ${NAME} or %s_file", key, name))
}

// isSecretName tells whether a key whose last part is name holds a secret.
func isSecretName(name string) bool {
	if secretNames[name] {
		return true
	}

	for _, suffix := range secretSuffixes {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// hasLiteral tells whether v, or an item of v when it is a list, is a
// non-empty string written in the file rather than a ${NAME} reference.
func hasLiteral(v any) bool {
	switch v := v.(type) {
	case string:
		return v != "" && !strings.Contains(v, "${")
	case []any:
		for _, item := range v {
			if hasLiteral(item) {
				return true
			}
		}
	}
	return false
}
