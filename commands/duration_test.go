package commands

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		name  string
		input string
		want  time.Duration
	}{
		{"seconds", "90s", 90 * time.Second},
		{"minutes", "30m", 30 * time.Minute},
		{"hours", "2h", 2 * time.Hour},
		{"days", "1d", day},
		{"weeks", "1w", 7 * day},
		{"hours and minutes", "1h30m", 90 * time.Minute},
		{"days and hours", "1d12h", 36 * time.Hour},
		{"any order", "30m1h", 90 * time.Minute},
		{"zero term", "0h30m", 30 * time.Minute},
		{"leading zeros", "007m", 7 * time.Minute},
		{"one second", "1s", time.Second},
		{"a year exactly", "365d", 365 * day},
		{"a year in parts", "52w1d", 365 * day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDuration(tt.input)
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", tt.input, err)
			}
			if got != tt.want {
				t.Fatalf("ParseDuration(%q) = %v, want %v", tt.input, got, tt.want)
			}
		})
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		wantReason string
	}{
		{"empty", "", "empty"},
		{"zero", "0", "missing unit"},
		{"zero with unit", "0s", "more than zero"},
		{"zeros", "0h0m", "more than zero"},
		{"negative", "-1h", "negative"},
		{"missing unit", "90", "missing unit"},
		{"missing last unit", "1h30", "missing unit after 30"},
		{"unknown unit", "5y", `unknown unit "y"`},
		{"milliseconds", "5ms", `unknown unit "ms"`},
		{"upper case unit", "2H", `unknown unit "H"`},
		{"unit first", "h2", "expected a number"},
		{"plus sign", "+2h", "expected a number"},
		{"fraction", "1.5h", "whole numbers"},
		{"space inside", "1h 30m", `unknown unit "h "`},
		{"unicode unit", "2µs", `unknown unit "µs"`},
		{"over a year", "366d", "longer than a year"},
		{"over a year in weeks", "53w", "longer than a year"},
		{"over a year in parts", "365d1s", "longer than a year"},
		{"over a year after many terms", strings.Repeat("300d", 4), "longer than a year"},
		{"huge term", "9223372036854775807h", "longer than a year"},
		{"overflow", "99999999999999999999s", "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDuration(tt.input)

			var de *DurationError
			if !errors.As(err, &de) {
				t.Fatalf("ParseDuration(%q) error = %v, want a *DurationError", tt.input, err)
			}
			if de.Input != tt.input {
				t.Errorf("Input = %q, want %q", de.Input, tt.input)
			}
			if !strings.Contains(de.Reason, tt.wantReason) {
				t.Errorf("Reason = %q, want it to mention %q", de.Reason, tt.wantReason)
			}
		})
	}
}

func TestDurationErrorText(t *testing.T) {
	_, err := ParseDuration("5y")

	want := `bad duration "5y": unknown unit "y" (use s, m, h, d or w)`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}
