package alerts

import (
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/integrations/consul"
)

func TestRemindersOfChecksThatStayCritical(t *testing.T) {
	w, meta := testFleet()
	w.set("ov-9", docker, consul.StatusCritical, "")
	cfg := quick()
	cfg.Remind = config.Duration(time.Hour)
	h := newHarness(t, cfg, w, meta)
	h.baseline()

	w.set("dm-1", docker, consul.StatusCritical, "")
	w.set("dm-2", docker, consul.StatusCritical, "")
	w.set("ov-1", disk, consul.StatusWarning, "")
	h.observe()
	h.wait(time.Second)

	// An hour on: ov-9, failing since the baseline, and the two failing
	// since their line, in one line. Warnings get no reminder.
	expectLines(t, h.wait(time.Hour), map[string][]string{"#fleet": {
		"reminder: 3 nodes critical on docker-daemon for more than 1h: dm-1, dm-2, ov-9",
	}})

	// A check that recovered is reminded of no more.
	w.set("dm-2", docker, consul.StatusPassing, "")
	h.observe()
	expectLines(t, h.wait(time.Hour), map[string][]string{"#fleet": {
		"dm-2 recovered on docker-daemon after 1h",
		"reminder: 2 nodes critical on docker-daemon for more than 2h: dm-1, ov-9",
	}})
}

func TestNoRemindersByDefault(t *testing.T) {
	w, meta := testFleet()
	h := newHarness(t, quick(), w, meta)
	h.baseline()

	w.set("dm-4", nodeHealthID, consul.StatusCritical, "")
	h.observe()
	h.wait(time.Second)
	expectLines(t, h.wait(24*time.Hour), nil)
}
