package alerts

import (
	"time"

	"github.com/gordonbot/gordon/integrations/consul"
)

// remindLater schedules the next reminder of a check from the time it
// was announced, when reminders are on and the check was announced
// critical; otherwise it forgets the check's reminder.
func (t *tracker) remindLater(st *checkState, from time.Time) {
	if t.remind <= 0 || !remindable(st) {
		delete(t.reminders, st)
		st.remindAt = time.Time{}
		return
	}

	st.remindAt = from.Add(t.remind)
	t.reminders[st] = struct{}{}
}

// remindable reports whether a check stays critical as people were told:
// not a warning, not quiet, not flapping.
func remindable(st *checkState) bool {
	failing := st.announced != consul.StatusPassing && st.announced != consul.StatusWarning
	return failing && st.hush.none() && !st.flapping
}

// remindDue makes a reminder event of each check whose reminder is due at
// now, and schedules its next one. A check whose state is changing is put
// off by one interval: the change will be announced, or undone.
func (t *tracker) remindDue(now time.Time) {
	for st := range t.reminders {
		switch {
		case st.remindAt.After(now):
			continue
		case !remindable(st):
			delete(t.reminders, st)
			continue
		case st.status == st.announced:
			ev := st.event(kindReminder, now)
			ev.severity = SeverityCritical
			ev.failed, ev.failedLonger = st.failedFor(now)
			t.out = append(t.out, ev)
		}
		st.remindAt = now.Add(t.remind)
	}
}

// nextReminder returns when the earliest reminder is due, and false when
// none is.
func (t *tracker) nextReminder() (time.Time, bool) {
	var first time.Time
	for st := range t.reminders {
		first = earliest(first, st.remindAt)
	}
	return first, !first.IsZero()
}
