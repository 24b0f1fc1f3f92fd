package sshrunner

import (
	"os/exec"
	"testing"
)

func TestQuoteSurvivesARealShell(t *testing.T) {
	words := []string{
		"", "plain", "24.0.1-rc1", "a b", "it's", "'", "''", `"`, `\`, "$HOME", "$(id)", "`id`",
		"a;b", "a|b", "a&&b", "*", "~", "#x", "x\ty", "é ü", "!", "{a,b}", "a\\'b", "%s",
	}
	for _, w := range words {
		out, err := exec.Command("sh", "-c", "printf '%s' "+quote(w)).Output()
		if err != nil || string(out) != w {
			t.Errorf("sh read %s as %q (%v), want %q", quote(w), out, err, w)
		}
	}
}

func TestQuoteLeavesPlainWordsAlone(t *testing.T) {
	for w, want := range map[string]string{
		"/usr/local/bin/upgrade-docker": "/usr/local/bin/upgrade-docker",
		"--to=24.0.1":                   "--to=24.0.1",
		"https://example.org/b":         "https://example.org/b",
		"a b":                           "'a b'",
		"":                              "''",
	} {
		if got := quote(w); got != want {
			t.Errorf("quote(%q) = %s, want %s", w, got, want)
		}
	}
}
