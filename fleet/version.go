package fleet

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"
)

// versionToken finds a version in free text: numbers joined by dots (at
// least two), then an optional "-pre" or "+build" suffix, standing at the
// start of the text or after a character that cannot be part of a word or
// number. A leading "v" is allowed and left out of the submatch.
var versionToken = regexp.MustCompile(
	`(?:^|[^0-9A-Za-z.])[vV]?([0-9]+(?:\.[0-9]+)+(?:[-+][0-9A-Za-z][0-9A-Za-z.+-]*)?)`)

// Version returns the first version-like token of s with a leading v
// dropped, and false when s has none: "Docker version 1.7.0-rc1, build
// 0baf609" is 1.7.0-rc1, "v2.3" is 2.3, "4.19.0-17-amd64" is itself.
func Version(s string) (string, bool) {
	m := versionToken.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return strings.TrimRight(m[1], ".-+"), true
}

// MajorMinor returns the first two numbers of a version, "1.7" of
// "1.7.0-rc1".
func MajorMinor(v string) string {
	core := versionCore(v)
	parts := strings.SplitN(core, ".", 3)
	if len(parts) < 2 {
		return core
	}
	return parts[0] + "." + parts[1]
}

// versionCore returns the dotted numbers of v, without its pre-release or
// build suffix.
func versionCore(v string) string {
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		return v[:i]
	}
	return v
}

// groupValue returns the value a `by` listing groups a node under: the
// major.minor of a value that is a version ("4.19.0-17" and "v4.19.2" are
// 4.19, "Docker version 1.7.0" is 1.7), any other value as it is.
func groupValue(v string) string {
	if ver, ok := leadingVersion(v); ok {
		return MajorMinor(ver)
	}
	return v
}

// leadingVersion returns the version of a value that is one: a value that
// starts with a version, or says "version" right before one. Text such as
// "ubuntu-20.04" names a distribution, not a version, and is kept whole.
func leadingVersion(v string) (string, bool) {
	ver, ok := Version(v)
	if !ok {
		return "", false
	}

	before, _, _ := strings.Cut(v, ver)
	before = strings.TrimRight(strings.ToLower(before), "v :=")
	if before == "" || strings.HasSuffix(before, "version") {
		return ver, true
	}
	return "", false
}

// CompareVersions orders two versions: -1 when a is older, 1 when newer,
// 0 when equal. The dotted numbers are compared as numbers, a missing one
// counting as 0; then a release is newer than any of its pre-releases
// (1.7.0 after 1.7.0-rc1), and pre-releases compare part by part, numbers
// as numbers and text naturally (rc2 before rc10). Build suffixes
// ("+...") are ignored.
func CompareVersions(a, b string) int {
	a, _, _ = strings.Cut(a, "+")
	b, _, _ = strings.Cut(b, "+")
	coreA, preA, _ := strings.Cut(a, "-")
	coreB, preB, _ := strings.Cut(b, "-")

	if c := compareParts(strings.Split(coreA, "."), strings.Split(coreB, "."), true); c != 0 {
		return c
	}

	switch {
	case preA == preB:
		return 0
	case preA == "":
		return 1
	case preB == "":
		return -1
	}
	return compareParts(strings.Split(preA, "."), strings.Split(preB, "."), false)
}

// compareParts compares two lists of version parts in order. When one
// list runs out first, missing parts count as "0" with padZero (1.7 is
// 1.7.0); without it the shorter list is older (alpha before alpha.1).
func compareParts(a, b []string, padZero bool) int {
	for i := range max(len(a), len(b)) {
		if !padZero && (i >= len(a) || i >= len(b)) {
			return cmp.Compare(len(a), len(b))
		}

		pa, pb := "0", "0"
		if i < len(a) {
			pa = a[i]
		}
		if i < len(b) {
			pb = b[i]
		}
		if c := comparePart(pa, pb); c != 0 {
			return c
		}
	}
	return 0
}

// comparePart compares two version parts: numbers as numbers, and before
// any text; text naturally, so rc2 comes before rc10.
func comparePart(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(na, nb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return compareNames(a, b)
}

// NaturalLess orders names as people expect, numbers inside them by value:
// dm-2 before dm-10.
func NaturalLess(a, b string) bool {
	for a != "" && b != "" {
		ca, restA := nextChunk(a)
		cb, restB := nextChunk(b)
		if ca != cb {
			return chunkLess(ca, cb)
		}
		a, b = restA, restB
	}
	return len(a) < len(b)
}

// nextChunk splits s into its leading run of digits, or of non-digits,
// and the rest.
func nextChunk(s string) (chunk, rest string) {
	digit := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digit {
		i++
	}
	return s[:i], s[i:]
}

// chunkLess compares two chunks: digit runs by value (then by length, so
// "01" comes after "1"), anything else byte by byte.
func chunkLess(a, b string) bool {
	if isDigit(a[0]) && isDigit(b[0]) {
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(ta) != len(tb) {
			return len(ta) < len(tb)
		}
		if ta != tb {
			return ta < tb
		}
		return len(a) < len(b)
	}
	return a < b
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool {
	return c >= '0' && c <= '9'
}
