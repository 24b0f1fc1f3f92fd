package outtail

import "testing"

func TestWriter(t *testing.T) {
	w := New(8)
	for _, s := range []string{"abc", "defgh", "ijklmnopq", "é!"} {
		w.Write([]byte(s))
	}
	if got := w.String(); got != "mnopqé!" {
		t.Fatalf("tail = %q", got)
	}
	w.Write([]byte("xxxxxx"))
	if got := w.String(); got != "!xxxxxx" {
		t.Fatalf("tail after cutting through é = %q", got)
	}
}

func TestLastLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                            "",
		"one":                         "one",
		"first\nE: no space left\n\n": "E: no space left",
		"a\r\nb\r\n":                  "b",
	} {
		if got := LastLine(in); got != want {
			t.Errorf("LastLine(%q) = %q, want %q", in, got, want)
		}
	}
}
