package alerts

import (
	"time"

	"github.com/gordonbot/gordon/integrations/consul"
)

// hushed takes a state in silently, for a check kept quiet by why:
// nothing is announced, and the change is counted as suppressed for
// that reason. A check entering the quiet remembers what people had been
// told, for when a silence ends.
func (t *tracker) hushed(st *checkState, status string, why cause, now time.Time) {
	if st.hush.none() {
		st.told = st.announced
	}
	if status != st.status {
		t.metrics.suppressed.WithLabelValues(why.reason).Inc()
		st.status, st.since = status, now
		if status != consul.StatusPassing && st.failedAt.IsZero() {
			st.failedAt = now
		}
	}

	st.announced, st.hush, st.note = status, why, ""
	st.flapping, st.changes = false, st.changes[:0]
	delete(t.pending, st)
	delete(t.reminders, st)
}

// unhushed takes in a check whose quiet ended: after a silence, people
// hear at once where it stands; after maintenance or an upgrade, it
// starts again as passing.
func (t *tracker) unhushed(st *checkState, status string, now time.Time) {
	was := st.hush
	st.hush = cause{}
	if was.reason == reasonSilence {
		t.silenceOver(st, status, was.silence, now)
		return
	}
	t.leaveMaintenance(st, status, now)
}

// leaveMaintenance takes the check as passing when its node comes back,
// the state it is expected to be in, so that a check still failing is
// announced once it has held for its debounce time.
func (t *tracker) leaveMaintenance(st *checkState, status string, now time.Time) {
	st.announced = consul.StatusPassing
	st.status, st.since = status, now
	st.failedAt, st.failedLonger = time.Time{}, false
	if status != consul.StatusPassing {
		st.failedAt = now
		t.pending[st] = struct{}{}
	}
}

// silenceOver says where a check stands when the silence id that muted
// it ends: still failing, whatever people knew before; recovered, when
// they had been told it failed; nothing when it passes as they were
// told. Either line goes out with the next group, without a debounce:
// the state has held through the silence.
func (t *tracker) silenceOver(st *checkState, status, id string, now time.Time) {
	if status != st.status {
		st.status, st.since = status, now
	}
	told := st.told
	st.announced, st.told = status, ""

	switch {
	case status != consul.StatusPassing:
		if st.failedAt.IsZero() {
			st.failedAt = now
		}
		ev := st.event(kindStillFailing, now)
		ev.severity = severityOfStatus(status)
		ev.note = "silence " + id + " ended"
		t.out = append(t.out, ev)
		t.remindLater(st, now)
	case told != consul.StatusPassing:
		k := transitionKind(st.key.id, status)
		ev := st.event(k, now)
		ev.severity = severityOf(k, told, status)
		ev.failed, ev.failedLonger = st.failedFor(st.since)
		t.out = append(t.out, ev)
		st.failedAt, st.failedLonger = time.Time{}, false
	default:
		st.failedAt, st.failedLonger = time.Time{}, false
	}
}
