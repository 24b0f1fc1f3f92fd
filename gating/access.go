package gating

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/gordonbot/gordon/integrations/github"
)

// maxRemembered bounds the permissions kept; beyond it the expired ones
// go, and all of them if none has.
const maxRemembered = 4096

// access answers whether a person may push to a repository, asking
// GitHub at most once per TTL for each person and repository.
type access struct {
	api PermissionReader
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	known map[string]remembered
}

type remembered struct {
	permission string
	until      time.Time
}

func newAccess(api PermissionReader, ttl time.Duration, now func() time.Time) *access {
	return &access{api: api, ttl: ttl, now: now, known: map[string]remembered{}}
}

// permission returns user's permission on repo, one of
// github.PermissionX. A failure to ask is not remembered.
func (a *access) permission(ctx context.Context, repo, user string) (string, error) {
	key := strings.ToLower(repo) + "\x00" + strings.ToLower(user)
	if p, ok := a.cached(key); ok {
		return p, nil
	}

	p, err := a.api.Permission(ctx, repo, user)
	if err != nil {
		return "", err
	}
	a.remember(key, p)
	return p, nil
}

func (a *access) cached(key string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()

	r, ok := a.known[key]
	if !ok || !a.now().Before(r.until) {
		return "", false
	}
	return r.permission, true
}

func (a *access) remember(key, permission string) {
	a.mu.Lock()
	defer a.mu.Unlock()

	now := a.now()
	if len(a.known) >= maxRemembered {
		for k, r := range a.known {
			if !now.Before(r.until) {
				delete(a.known, k)
			}
		}
	}
	if len(a.known) >= maxRemembered {
		clear(a.known)
	}
	a.known[key] = remembered{permission: permission, until: now.Add(a.ttl)}
}

// canPush reports whether a permission lets a person push, and so
// rebuild: admin, maintain or write.
func canPush(permission string) bool {
	switch permission {
	case github.PermissionAdmin, "maintain", github.PermissionWrite:
		return true
	}
	return false
}
