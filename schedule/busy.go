package schedule

import (
	"fmt"
	"strings"

	"github.com/gordonbot/gordon/fleet/upgrade"
)

// Busy tells of work under way that a command line would overlap.
type Busy interface {
	// Busy returns why line must not run now, and true; "" and false
	// when it may. It is called on the Scheduler's loop, so it must
	// answer at once, from memory.
	Busy(line string) (why string, busy bool)
}

// UpgradeStatus reads how the latest upgrade stands. *upgrade.Upgrader
// implements it.
type UpgradeStatus interface {
	// Status's only error is upgrade.ErrNotReady.
	Status() (upgrade.Status, error)
}

// UpgradeBusy is the Busy of upgrades: a line asking for an upgrade
// ("upgrade master", not "upgrade status") is busy while an upgrade is
// running or paused, since another cannot start until it ends.
type UpgradeBusy struct {
	Upgrades UpgradeStatus
}

var _ Busy = UpgradeBusy{}

// Busy reports an upgrade under way when line asks for another.
func (b UpgradeBusy) Busy(line string) (string, bool) {
	words := strings.Fields(strings.ToLower(line))
	if len(words) < 2 || words[0] != "upgrade" {
		return "", false
	}
	switch words[1] {
	case "status", "pause", "resume", "abort":
		return "", false
	}

	// Not ready yet: the command itself will say so.
	st, err := b.Upgrades.Status()
	if err != nil || !st.Phase.Active() {
		return "", false
	}
	return fmt.Sprintf("an upgrade to %s is still %s (see upgrade status)", st.Plan.Version, st.Phase), true
}
