package fleet

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/gordonbot/gordon/config"
)

// MetaKeys maps the names people write in selectors and `by` (kernel,
// distro...) to the Consul node-meta keys that hold those facts
// (kernel, distro, docker_version...). It is the [consul.meta] table.
type MetaKeys map[string]string

// defaultMetaKeys are the facts every fleet node is expected to report, in
// the order they are shown.
var defaultMetaKeys = []struct{ name, key string }{
	{"kernel", "kernel"},
	{"distro", "distro"},
	{"storage", "storage"},
	{"docker", "docker_version"},
}

// maxMetaKey is the longest node-meta key Consul accepts.
const maxMetaKey = 128

// DefaultMetaKeys returns kernel, distro, storage and docker, mapped to
// the node-meta keys kernel, distro, storage and docker_version.
func DefaultMetaKeys() MetaKeys {
	m := MetaKeys{}
	for _, d := range defaultMetaKeys {
		m[d.name] = d.key
	}
	return m
}

// Defaults fills an empty table with DefaultMetaKeys. A table that names
// any key is kept as it is.
func (m *MetaKeys) Defaults() {
	if len(*m) == 0 {
		*m = DefaultMetaKeys()
	}
}

// Validate reports every problem, each under its display name: a name must
// be a selector key other than "node" and "tag"; a node-meta key is what
// Consul accepts.
func (m MetaKeys) Validate() error {
	var p config.Problems
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if reason := checkDisplayName(name); reason != "" {
			p.Add(name, "%s", reason)
		}
		if reason := checkMetaKey(m[name]); reason != "" {
			p.Add(name, "%s", reason)
		}
	}
	return p.Err()
}

// checkDisplayName returns what is wrong with a display name, or "".
func checkDisplayName(name string) string {
	switch {
	case name == KeyNode || name == KeyTag:
		return fmt.Sprintf("%q is a reserved selector key", name)
	case !isKey(name):
		return "a name must be usable as a selector key: a letter, then letters, digits, '_', '.' or '-'"
	}
	return ""
}

// checkMetaKey returns what is wrong with a Consul node-meta key, or "".
func checkMetaKey(key string) string {
	switch {
	case key == "":
		return "empty node-meta key"
	case len(key) > maxMetaKey:
		return fmt.Sprintf("node-meta key longer than %d characters", maxMetaKey)
	case strings.ContainsFunc(key, notMetaKeyRune):
		return fmt.Sprintf("node-meta key %q: use letters, digits, '-' and '_'", key)
	}
	return ""
}

// metaKeyChars is every character a node-meta key may hold.
const metaKeyChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

// notMetaKeyRune reports whether r may not appear in a node-meta key.
func notMetaKeyRune(r rune) bool {
	return !strings.ContainsRune(metaKeyChars, r)
}

// Names returns the display names in the order they are shown: the
// default facts first, then the others alphabetically.
func (m MetaKeys) Names() []string {
	names := make([]string, 0, len(m))
	for _, d := range defaultMetaKeys {
		if _, ok := m[d.name]; ok {
			names = append(names, d.name)
		}
	}

	var others []string
	for name := range m {
		if !slices.Contains(names, name) {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	return append(names, others...)
}

// UnknownKeyError is a selector or `by` key that names no fact.
type UnknownKeyError struct {
	Key string

	// Known are the keys that would have been accepted.
	Known []string
}

// Error returns the key and the keys known, as in
// `unknown key "kernal" (keys: kernel, distro, node, tag)`.
func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("unknown key %q (keys: %s)", e.Key, strings.Join(e.Known, ", "))
}

// metaKey returns the node-meta key of a display name, or an
// *UnknownKeyError listing the keys a selector may use.
func (m MetaKeys) metaKey(name string) (string, error) {
	if key, ok := m[name]; ok {
		return key, nil
	}
	return "", &UnknownKeyError{Key: name, Known: append(m.Names(), KeyNode, KeyTag)}
}
