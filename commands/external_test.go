package commands

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
)

// githubCaller is a person GitHub identified, with the role its
// permission check gave them.
func githubCaller(login string, role Role) Caller {
	id := Identity{Nick: login, User: login, Host: "github.com", Account: "github:" + login, Via: "github",
		AccountsTracked: true}
	return Caller{Identity: id, Role: role}
}

func TestHandleExternal(t *testing.T) {
	tests := []struct {
		name    string
		caller  Caller
		line    string
		wantRun bool
		want    string
	}{
		{"writer runs an action", githubCaller("bob", RoleMaintainer), "maint dm-1 on", true, "done"},
		{"reader is refused", githubCaller("carol", RoleAnyone), "maint dm-1 on", false,
			"carol: maint is for maintainers"},
		{"unknown command is answered", githubCaller("bob", RoleMaintainer), "frobnicate", false,
			`unknown command "frobnicate"; try help`},
		{"usage error", githubCaller("bob", RoleMaintainer), `maint "open`, false, "maint: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{})
			target := "github:docker/docker#14021"
			f.d.HandleExternal(context.Background(), External{Caller: tt.caller, Target: target, Line: tt.line})

			if ran := len(f.ran) == 1; ran != tt.wantRun {
				t.Fatalf("ran = %v, want %v", ran, tt.wantRun)
			}
			got := f.out.lines(target)
			if len(got) != 1 || !strings.HasPrefix(got[0], tt.want) {
				t.Fatalf("answer %q, want one line starting %q", got, tt.want)
			}
			if len(f.out.lines("#fleet")) != 0 {
				t.Fatalf("the main channel heard %q", f.out.lines("#fleet"))
			}
		})
	}
}

func TestHandleExternalIsAudited(t *testing.T) {
	f := newFixture(t, Config{})
	f.d.HandleExternal(context.Background(), External{Caller: githubCaller("bob", RoleMaintainer),
		Target: "github:docker/docker#14021", Line: "maint dm-1 on"})

	f.audit.mu.Lock()
	defer f.audit.mu.Unlock()
	if len(f.audit.kv) != 1 {
		t.Fatalf("%d audit entries, want 1", len(f.audit.kv))
	}
	for _, v := range f.audit.kv {
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			t.Fatal(err)
		}
		if e.Who != "github:bob" || e.Via != "github" || e.Outcome != "ok" || e.Target != "github:docker/docker#14021" {
			t.Fatalf("audit entry %+v", e)
		}
	}
}

func TestHandleExternalIsRateLimited(t *testing.T) {
	f := newFixture(t, Config{RateBurst: 1, RateInterval: config.Duration(time.Hour)})
	for range 3 {
		f.d.HandleExternal(context.Background(), External{Caller: githubCaller("bob", RoleMaintainer),
			Target: "github:docker/docker#14021", Line: "maint dm-1 on"})
	}
	if len(f.ran) != 1 {
		t.Fatalf("ran %d times, want 1", len(f.ran))
	}
	got := f.out.lines("github:docker/docker#14021")
	if len(got) != 2 || !strings.Contains(got[1], "slow down") {
		t.Fatalf("answers %q, want the action's and one slow down", got)
	}
}
