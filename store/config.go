package store

import "github.com/gordonbot/gordon/config"

// DefaultPath is the bbolt file gordon uses when the config names none.
const DefaultPath = "gordon.db"

// Config is the [store] section of gordon's configuration.
type Config struct {
	// Path is the bbolt file, created with mode 0600 when missing. Its
	// directory must exist.
	Path string `toml:"path"`
}

// Defaults fills in the values the config left empty.
func (c *Config) Defaults() {
	if c.Path == "" {
		c.Path = DefaultPath
	}
}

// Validate reports a config that cannot work, naming the offending key.
func (c Config) Validate() error {
	var p config.Problems
	if c.Path == "" {
		p.Add("path", "required")
	}
	return p.Err()
}
