package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"fits", "hello world", 20, []string{"hello world"}},
		{"empty", "", 10, []string{""}},
		{"at a space", "aaaa bbbb cccc", 9, []string{"aaaa bbbb", "cccc"}},
		{"no space", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"space too early", "a bcdefghijk", 8, []string{"a bcdefg", "hijk"}},
		{"multi-byte runes", "ééééé", 4, []string{"éé", "éé", "é"}},
		{"four-byte rune", "a😀b", 4, []string{"a", "😀", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitText(tt.text, tt.max)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("splitText(%q, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
			}
		})
	}
}

func TestTextBudget(t *testing.T) {
	prefix := len(":gordon!gordon@127.0.0.1 ")
	budget := textBudget(prefix, "PRIVMSG", "#fleet")
	line := ":gordon!gordon@127.0.0.1 PRIVMSG #fleet :" + strings.Repeat("x", budget) + "\r\n"
	if len(line) != maxLine {
		t.Fatalf("a full line is %d bytes, want %d", len(line), maxLine)
	}
}

func FuzzSplitText(f *testing.F) {
	f.Add("hello world, this is gordon", 7)
	f.Add("ééé 😀😀 a", 4)
	f.Add(strings.Repeat("ab ", 200), 100)
	f.Add("\xff\xfe\xfd", 1)
	f.Fuzz(func(t *testing.T, text string, width int) {
		if width < 1 || width > 1000 {
			t.Skip()
		}
		pieces := splitText(text, width)

		limit := max(width, utf8.UTFMax)
		for _, p := range pieces {
			if len(p) > limit {
				t.Fatalf("piece %q is %d bytes, over %d", p, len(p), limit)
			}
			if utf8.ValidString(text) && !utf8.ValidString(p) {
				t.Fatalf("piece %q of valid text is not valid UTF-8", p)
			}
		}
		noSpace := func(s string) string { return strings.ReplaceAll(s, " ", "") }
		if noSpace(strings.Join(pieces, "")) != noSpace(text) {
			t.Fatalf("pieces %q lose text of %q", pieces, text)
		}
	})
}
