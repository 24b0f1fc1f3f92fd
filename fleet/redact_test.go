package fleet

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"nothing", "dial unix /var/run/docker.sock: connection refused",
			"dial unix /var/run/docker.sock: connection refused"},
		{"password equals", "login failed password=hunter2 for root", "login failed password=[redacted] for root"},
		{"token colon", "token: s3cr3t-t0k3n", "token: [redacted]"},
		{"env style", "GITHUB_TOKEN=abc123 AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG",
			"GITHUB_TOKEN=[redacted] AWS_SECRET_ACCESS_KEY=[redacted]"},
		{"json", `{"password": "hunter2", "user": "root"}`, `{"password": "[redacted]", "user": "root"}`},
		{"query string", "GET /api?user=x&api_key=abcdef&page=2 500", "GET /api?user=x&api_key=[redacted]&page=2 500"},
		{"bearer header", "Authorization: Bearer eyJhbGciOi.abc.def", "Authorization: Bearer [redacted]"},
		{"basic header", "authorization=Basic dXNlcjpwYXNz", "authorization=Basic [redacted]"},
		{"header without scheme", "Authorization: abcdef", "Authorization: [redacted]"},
		{"bearer alone", "sent bearer abc.def-ghi to api", "sent bearer [redacted] to api"},
		{"url credentials", "GET https://admin:hunter2@registry.example/v2/ failed",
			"GET https://admin:[redacted]@registry.example/v2/ failed"},
		{"url without password", "GET https://registry.example/v2/ failed", "GET https://registry.example/v2/ failed"},
		{"aws key id", "using AKIAIOSFODNN7EXAMPLE now", "using [redacted] now"},
		{"github token", "clone with ghp_" + strings.Repeat("a1B2", 9) + " failed", "clone with [redacted] failed"},
		{"slack token", "hook xoxb-1234567890-abcdef failed", "hook [redacted] failed"},
		{"jwt", "got eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4", "got [redacted]"},
		{"private key", "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\nok",
			"key:\n[redacted]\nok"},
		{"private key cut short", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNz", "[redacted]"},
		{"token then bearer", "token: Bearer abc", "token: [redacted] [redacted]"},
		{"twice is the same", "password=[redacted]", "password=[redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Fatalf("Redact(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"as is", "disk 98% used", 80, "disk 98% used"},
		{"lines joined", "HTTP GET http://x/health: 500\nOutput: boom\r\n", 80, "HTTP GET http://x/health: 500 Output: boom"},
		{"spaces shrink", "  a \t\t b  ", 80, "a b"},
		{"control bytes", "a\x02bold\x03red\x00b", 80, "a bold red b"},
		{"cut", "abcdefghij", 5, "abcde..."},
		{"cut at a character", "zoëzoë", 3, "zo..."},
		{"invalid utf-8", "a\xffb", 80, "a b"},
		{"empty", "", 80, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OneLine(tt.in, tt.max); got != tt.want {
				t.Fatalf("OneLine(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

func TestCheckOutput(t *testing.T) {
	in := "Get http://deploy:pa55@10.0.0.3:2375/info\n" + strings.Repeat("x", 400)
	got := CheckOutput(in)

	if strings.Contains(got, "pa55") || strings.Contains(got, "\n") {
		t.Fatalf("CheckOutput leaked or kept a line break: %q", got)
	}
	if len(got) > MaxOutput+len("...") {
		t.Fatalf("CheckOutput is %d bytes, want at most %d", len(got), MaxOutput+3)
	}
}

// FuzzRedact checks that redaction never panics, is idempotent, and that
// OneLine always gives one bounded line.
func FuzzRedact(f *testing.F) {
	f.Add("password=hunter2 Authorization: Bearer x https://u:p@h/")
	f.Add("-----BEGIN RSA PRIVATE KEY-----\nabc")
	f.Fuzz(func(t *testing.T, s string) {
		once := Redact(s)
		if twice := Redact(once); twice != once {
			t.Fatalf("Redact is not idempotent on %q: %q then %q", s, once, twice)
		}

		line := OneLine(once, 100)
		if strings.ContainsAny(line, "\r\n\x00") || len(line) > 100+len("...") {
			t.Fatalf("OneLine(%q) = %q", once, line)
		}
	})
}

func TestConfiguredRedactions(t *testing.T) {
	if err := (RedactConfig{Patterns: []string{"("}}).Validate(); err == nil {
		t.Fatal("a pattern that does not compile passed validation")
	}

	t.Cleanup(func() { extraRedactions.Store(nil) })
	if err := UseRedactions(RedactConfig{Patterns: []string{`corp-[0-9a-f]{8}`}}); err != nil {
		t.Fatal(err)
	}
	got := CheckOutput("registry login with corp-deadbeef failed; password=hunter2")
	want := "registry login with [redacted] failed; password=[redacted]"
	if got != want {
		t.Fatalf("CheckOutput = %q, want %q", got, want)
	}
}
