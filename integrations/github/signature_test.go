package github

import (
	"errors"
	"strings"
	"testing"
)

func TestSignMatchesGitHub(t *testing.T) {
	// The example from GitHub's documentation on validating deliveries.
	got := Sign("It's a Secret to Everybody", []byte("Hello, World!"))
	want := "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"zen":"Keep it logically awesome."}`)
	v, err := newVerifier([]string{"old-secret", "new-secret"})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		header string
		body   []byte
		want   error
	}{
		{"first secret", Sign("old-secret", body), body, nil},
		{"second secret", Sign("new-secret", body), body, nil},
		{"other secret", Sign("guess", body), body, ErrBadSignature},
		{"changed body", Sign("old-secret", body), append(body, ' '), ErrBadSignature},
		{"empty header", "", body, ErrNoSignature},
		{"sha1 form", "sha1=" + strings.Repeat("a", 40), body, ErrMalformedSignature},
		{"no prefix", strings.TrimPrefix(Sign("old-secret", body), "sha256="), body, ErrMalformedSignature},
		{"upper-case prefix", "SHA256=" + strings.Repeat("a", 64), body, ErrMalformedSignature},
		{"short digest", "sha256=abcd", body, ErrMalformedSignature},
		{"not hex", "sha256=" + strings.Repeat("g", 64), body, ErrMalformedSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := v.verify(tt.header, tt.body); !errors.Is(err, tt.want) {
				t.Fatalf("verify = %v, want %v", err, tt.want)
			}
		})
	}
}
