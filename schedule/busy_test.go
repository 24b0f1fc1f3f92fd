package schedule

import (
	"testing"

	"github.com/gordonbot/gordon/fleet/upgrade"
)

// upgrades is an UpgradeStatus saying one thing.
type upgrades struct {
	st  upgrade.Status
	err error
}

func (u upgrades) Status() (upgrade.Status, error) { return u.st, u.err }

func TestUpgradeBusy(t *testing.T) {
	running := upgrades{st: upgrade.Status{Plan: upgrade.Plan{ID: "p1", Version: "24.0.1"}, Phase: upgrade.PhaseRunning}}
	paused := running
	paused.st.Phase = upgrade.PhasePaused
	done := running
	done.st.Phase = upgrade.PhaseDone

	tests := []struct {
		name string
		ups  upgrades
		line string
		want string // why it is busy; empty for not
	}{
		{"an upgrade while one runs", running, "upgrade master storage=overlay",
			"an upgrade to 24.0.1 is still running (see upgrade status)"},
		{"an upgrade while one is paused", paused, "Upgrade rc",
			"an upgrade to 24.0.1 is still paused (see upgrade status)"},
		{"an upgrade after one ended", done, "upgrade rc", ""},
		{"the status while one runs", running, "upgrade status", ""},
		{"resuming the one paused", paused, "upgrade resume", ""},
		{"another command", running, "nodes unhealthy", ""},
		{"upgrades not ready", upgrades{err: upgrade.ErrNotReady}, "upgrade rc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why, busy := UpgradeBusy{Upgrades: tt.ups}.Busy(tt.line)
			if why != tt.want || busy != (tt.want != "") {
				t.Fatalf("Busy = %q, %v; want %q", why, busy, tt.want)
			}
		})
	}
}
