package announce

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"short", "Fix the build", 20, "Fix the build"},
		{"cut", "Fix the build on arm64", 10, "Fix the b…"},
		{"cut after a space", "Fix the build on arm64", 9, "Fix the…"},
		{"white space folded", "  Fix\tthe\r\n build ", 20, "Fix the build"},
		{"colour codes", "\x0304,01red\x03 \x02bold\x0f", 20, "red bold"},
		{"multi-byte", "héhéhéhé", 4, "héh…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in, tt.n); got != tt.want {
				t.Fatalf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestComposeKeepsOneLine(t *testing.T) {
	tests := []struct {
		name string
		text string
		url  string
	}{
		{"ascii", strings.Repeat("word ", 200), "https://github.com/docker/docker/pull/1"},
		{"four-byte runes", strings.Repeat("𝄞", 200), "https://github.com/docker/docker/pull/2"},
		{"no link", strings.Repeat("é", 400), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compose(tt.text, tt.url)
			if len(got) > maxLine || !utf8.ValidString(got) || !strings.HasSuffix(got, tt.url) {
				t.Fatalf("compose gave %d bytes, valid %v: %q", len(got), utf8.ValidString(got), got)
			}
		})
	}
}

func TestLink(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "https://github.com/docker/docker/pull/1", "https://github.com/docker/docker/pull/1"},
		{"injected line", "https://evil.example/\r\nQUIT :bye", "https://evil.example/"},
		{"too long", "https://example.org/" + strings.Repeat("a", maxLink), ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := link(tt.in); got != tt.want {
				t.Fatalf("link(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
