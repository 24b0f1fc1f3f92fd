package fleet

import (
	"fmt"
	"regexp"
	"sync/atomic"

	"github.com/gordonbot/gordon/config"
)

// RedactConfig is the [redact] section: patterns of secrets a site's
// checks leak beyond those Redact knows, hidden as well.
type RedactConfig struct {
	// Patterns are Go regular expressions; every match becomes
	// [redacted].
	Patterns []string `toml:"patterns"`
}

// Validate reports each pattern that does not compile.
func (c RedactConfig) Validate() error {
	var p config.Problems
	for i, pat := range c.Patterns {
		if _, err := regexp.Compile(pat); err != nil {
			p.Add(fmt.Sprintf("patterns[%d]", i), "%v", err)
		}
	}
	return p.Err()
}

// extraRedactions are the configured patterns, set once at start by
// UseRedactions and read by every Redact.
var extraRedactions atomic.Pointer[[]redaction]

// UseRedactions makes Redact also hide what c's patterns match. main calls
// it once, before anything is shown; c must be valid.
func UseRedactions(c RedactConfig) error {
	extra := make([]redaction, 0, len(c.Patterns))
	for _, pat := range c.Patterns {
		re, err := regexp.Compile(pat)
		if err != nil {
			return fmt.Errorf("redact pattern %q: %w", pat, err)
		}
		extra = append(extra, redaction{re: re})
	}
	extraRedactions.Store(&extra)
	return nil
}
