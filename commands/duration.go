package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxCommandDuration is the longest duration a command accepts: a silence
// or a maintenance window longer than a year is a typo.
const maxCommandDuration = 365 * 24 * time.Hour

// durationUnits are the units ParseDuration knows, from seconds to weeks.
var durationUnits = map[string]time.Duration{
	"s": time.Second,
	"m": time.Minute,
	"h": time.Hour,
	"d": 24 * time.Hour,
	"w": 7 * 24 * time.Hour,
}

// durationUnitList names the units for error messages.
const durationUnitList = "s, m, h, d or w"

// DurationError says why a duration typed in a command could not be
// parsed.
type DurationError struct {
	Input  string
	Reason string
}

// Error returns the input and the reason, as in
// `bad duration "5y": unknown unit "y" (use s, m, h, d or w)`.
func (e *DurationError) Error() string {
	return fmt.Sprintf("bad duration %q: %s", e.Input, e.Reason)
}

// ParseDuration parses a duration as users type it: whole numbers each
// followed by a unit, s, m, h, d (24 hours) or w (7 days), as in "90s",
// "2h", "1d" or "1h30m". The duration must be more than zero and at most a
// year. The error is a *DurationError.
func ParseDuration(s string) (time.Duration, error) {
	if reason := checkDurationShape(s); reason != "" {
		return 0, &DurationError{Input: s, Reason: reason}
	}

	var total time.Duration
	for rest := s; rest != ""; {
		d, after, reason := nextDurationTerm(rest)
		if reason == "" && total+d > maxCommandDuration {
			reason = "longer than a year"
		}
		if reason != "" {
			return 0, &DurationError{Input: s, Reason: reason}
		}
		total, rest = total+d, after
	}

	if total == 0 {
		return 0, &DurationError{Input: s, Reason: "must be more than zero"}
	}
	return total, nil
}

// checkDurationShape returns why s cannot be a duration at all, or "" when
// its terms are worth reading.
func checkDurationShape(s string) string {
	switch {
	case s == "":
		return "empty; write a number and a unit, as in 30m, 2h or 1d"
	case strings.HasPrefix(s, "-"):
		return "must not be negative"
	case strings.Contains(s, "."):
		return "use whole numbers, as in 1h30m for an hour and a half"
	}
	return ""
}

// nextDurationTerm reads one number and unit from the start of s. It
// returns the term's duration and the rest of s, or a reason when the term
// is bad. A term is at most a year, so adding two cannot overflow.
func nextDurationTerm(s string) (time.Duration, string, string) {
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits == 0 {
		return 0, "", fmt.Sprintf("expected a number at %q", s)
	}

	n, err := strconv.ParseInt(s[:digits], 10, 64)
	if err != nil {
		return 0, "", fmt.Sprintf("number %s is too large", s[:digits])
	}

	unitLen := strings.IndexAny(s[digits:], "0123456789")
	if unitLen < 0 {
		unitLen = len(s) - digits
	}
	unit := s[digits : digits+unitLen]

	return durationTerm(n, unit, s[digits+unitLen:])
}

// durationTerm returns n units and rest, or a reason when the unit is
// unknown or the term is longer than a year.
func durationTerm(n int64, unit, rest string) (time.Duration, string, string) {
	size, ok := durationUnits[unit]
	switch {
	case unit == "":
		return 0, "", fmt.Sprintf("missing unit after %d (use %s)", n, durationUnitList)
	case !ok:
		return 0, "", fmt.Sprintf("unknown unit %q (use %s)", unit, durationUnitList)
	case n > int64(maxCommandDuration/size):
		return 0, "", "longer than a year"
	}
	return time.Duration(n) * size, rest, ""
}
