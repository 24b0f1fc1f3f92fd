package config

import (
	"fmt"
	"time"
)

// Duration is a time.Duration written in the configuration as text that
// time.ParseDuration reads, such as "30s", "5m" or "1h30m".
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration {
	return time.Duration(d)
}

// String returns d in the form time.Duration prints, such as "1m30s".
func (d Duration) String() string {
	return time.Duration(d).String()
}

// MarshalText writes d in the form UnmarshalText reads.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText reads a duration such as "30s". The error names what is
// expected, so that the key it is reported under says enough.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("bad duration (want a number and a unit, such as 30s or 5m): %w", err)
	}

	*d = Duration(v)
	return nil
}
