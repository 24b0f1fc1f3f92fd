package gating

import (
	"context"
	"strings"
	"testing"
	"time"
)

// permissions is a PermissionReader that counts its calls.
type permissions struct {
	of    map[string]string
	calls int
}

func (p *permissions) Permission(ctx context.Context, repo, user string) (string, error) {
	p.calls++
	return p.of[strings.ToLower(user)], nil
}

func TestAccessIsRememberedBriefly(t *testing.T) {
	c := &clock{now: time.Date(2015, 6, 22, 9, 30, 0, 0, time.UTC)}
	p := &permissions{of: map[string]string{"alice": "write"}}
	a := newAccess(p, 5*time.Minute, c.Now)
	ctx := context.Background()

	for range 3 {
		if got, _ := a.permission(ctx, "docker/docker", "Alice"); got != "write" {
			t.Fatalf("permission %q", got)
		}
	}
	same(t, "calls within the TTL", p.calls, 1)

	p.of["alice"] = "read"
	c.Add(5 * time.Minute)
	if got, _ := a.permission(ctx, "docker/docker", "alice"); got != "read" || p.calls != 2 {
		t.Fatalf("after the TTL: %q, %d calls", got, p.calls)
	}
}

func TestCanPush(t *testing.T) {
	for perm, want := range map[string]bool{"admin": true, "maintain": true, "write": true, "triage": false,
		"read": false, "none": false, "": false} {
		if canPush(perm) != want {
			t.Errorf("canPush(%q) = %v", perm, !want)
		}
	}
}
