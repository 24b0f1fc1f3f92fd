package followup

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/commands"
)

// settle acts on what a round learned about r: it reports a start or an
// end, closes a follow-up that cannot go on, and keeps track of reads
// that fail.
func (e *Engine) settle(ctx context.Context, out commands.Replier, r Record, l *look) {
	if l.err != nil {
		e.failing(ctx, out, r, l.err)
		return
	}
	e.clearFailing(r.QueueID)

	switch b := l.build; {
	case l.gone != "":
		e.close(ctx, out, r, OutcomeLost, e.lostLine(r, l.gone))
	case l.cancelled:
		e.cancelled(ctx, out, r)
	case l.waiting:
		e.waiting(ctx, out, r, l.why)
	case b != nil && (b.Building || b.Result == ""):
		e.running(ctx, out, r, *b)
	case b != nil:
		e.ended(ctx, out, r, *b)
	}
}

// running reports a build that started, and gives up on one that ran
// past the build limit.
func (e *Engine) running(ctx context.Context, out commands.Replier, r Record, b commands.JenkinsBuild) {
	if r.State == StateRunning {
		if e.now().Sub(r.Started) >= e.cfg.BuildLimit.D() {
			line := fmt.Sprintf("stopped following %s: still running after %s: %s",
				subject(r, r.Build), human(e.cfg.BuildLimit.D()), r.URL)
			e.close(ctx, out, r, OutcomeGaveUp, addressed(r, line))
		}
		return
	}

	if e.send(ctx, out, r, startLine(r, b)) != nil {
		return
	}
	r.State, r.Build, r.URL, r.Node, r.Started = StateRunning, b.Number, b.URL, b.BuiltOn, b.Started
	if r.Started.IsZero() {
		r.Started = e.now()
	}
	if err := e.save(ctx, r); err != nil {
		e.log.Error("follow-up start not recorded; it may be reported again after a restart",
			keyJob, r.Job, keyBuild, r.Build, keyError, err)
	}
	e.replace(r)
}

// ended reports a build's end, with its start first when no round saw
// it running, and closes the follow-up.
func (e *Engine) ended(ctx context.Context, out commands.Replier, r Record, b commands.JenkinsBuild) {
	var lines []string
	if r.State == StateQueued {
		lines = append(lines, startLine(r, b))
	}
	r.Build, r.URL = b.Number, b.URL
	lines = append(lines, endLine(r, b))
	e.closeWith(ctx, out, Closed{Record: r, Outcome: strings.ToLower(b.Result), Build: b}, lines...)
}

// waiting gives up on a build that waited in the queue past the queue
// limit.
func (e *Engine) waiting(ctx context.Context, out commands.Replier, r Record, why string) {
	if e.now().Sub(r.Asked) < e.cfg.QueueLimit.D() {
		return
	}

	line := fmt.Sprintf("stopped following %s (queue item %d): still in the queue after %s",
		subject(r, 0), r.QueueID, human(e.cfg.QueueLimit.D()))
	if why != "" {
		line += " (" + why + ")"
	}
	e.close(ctx, out, r, OutcomeGaveUp, addressed(r, line))
}

// cancelled closes the follow-up of an item taken out of the queue. When
// a newer follow-up of the same job and pull request replaced it, as
// rebuild does with a queued duplicate, that is said instead, and nothing
// at all when the same person asked again in the same place.
func (e *Engine) cancelled(ctx context.Context, out commands.Replier, r Record) {
	by, ok := e.replacement(r)
	switch {
	case ok && by.Who == r.Who && by.Target == r.Target:
		e.close(ctx, out, r, OutcomeReplaced)
	case ok:
		line := fmt.Sprintf("%s (queue item %d) was replaced by %s's rebuild (queue item %d)",
			subject(r, 0), r.QueueID, by.Who, by.QueueID)
		e.close(ctx, out, r, OutcomeReplaced, addressed(r, line))
	default:
		line := fmt.Sprintf("%s (queue item %d) was cancelled before it started", subject(r, 0), r.QueueID)
		e.close(ctx, out, r, OutcomeCancelled, addressed(r, line))
	}
}

// replacement returns the newest open follow-up of r's job and pull
// request that came after r.
func (e *Engine) replacement(r Record) (Record, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()

	var by Record
	for _, ent := range e.open {
		o := ent.rec
		if r.PR != 0 && o.Job == r.Job && o.PR == r.PR && o.QueueID > max(r.QueueID, by.QueueID) {
			by = o
		}
	}
	return by, by.QueueID != 0
}

// failing notes a failed read for r and closes it once reads have failed
// for longer than the configured limit.
func (e *Engine) failing(ctx context.Context, out commands.Replier, r Record, err error) {
	now := e.now()
	e.mu.Lock()
	ent, ok := e.open[r.QueueID]
	if ok && ent.failingSince.IsZero() {
		ent.failingSince = now
	}
	since := now
	if ok {
		since = ent.failingSince
	}
	e.mu.Unlock()

	if now.Sub(since) < e.cfg.LostAfter.D() {
		return
	}
	reason := fmt.Sprintf("no answer from Jenkins for %s (%s)", human(now.Sub(since)), brief(err))
	e.close(ctx, out, r, OutcomeLost, e.lostLine(r, reason))
}

// clearFailing forgets r's failed reads after one that worked.
func (e *Engine) clearFailing(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ent, ok := e.open[id]; ok {
		ent.failingSince = time.Time{}
	}
}

// close sends lines, then deletes the follow-up. When the lines cannot be
// handed over, as when gordon is stopping, the follow-up stays open so
// that they are sent after the restart.
func (e *Engine) close(ctx context.Context, out commands.Replier, r Record, outcome string, lines ...string) {
	e.closeWith(ctx, out, Closed{Record: r, Outcome: outcome}, lines...)
}

// closeWith is close for an end described by c, which OnClose hears
// once the lines are handed over.
func (e *Engine) closeWith(ctx context.Context, out commands.Replier, c Closed, lines ...string) {
	r, outcome := c.Record, c.Outcome
	if len(lines) > 0 && e.send(ctx, out, r, lines...) != nil {
		return
	}
	e.notify(ctx, c)

	if err := e.store.Delete(ctx, Key(r.QueueID)); err != nil {
		e.log.Error("closed follow-up not deleted; it may be reported again after a restart",
			keyJob, r.Job, keyQueueID, r.QueueID, keyError, err)
	}
	e.remove(r.QueueID)
	e.metrics.closed.WithLabelValues(outcome).Inc()
	e.log.Info("follow-up closed", keyJob, r.Job, keyQueueID, r.QueueID, keyBuild, r.Build,
		keyWho, r.Who, keyOutcome, outcome, keyDuration, e.now().Sub(r.Asked))
}

// send hands lines about r to the replier, addressed where r asked.
func (e *Engine) send(ctx context.Context, out commands.Replier, r Record, lines ...string) error {
	reply := commands.Reply{Target: r.Target, Private: r.Private, Priority: commands.PriorityAnnounce, Lines: lines}
	if err := out.Send(ctx, reply); err != nil {
		e.log.Warn("follow-up line not handed over; kept for later", keyJob, r.Job, keyQueueID, r.QueueID,
			keyError, err)
		return err
	}
	return nil
}

// replace updates an open follow-up in memory after it was recorded.
func (e *Engine) replace(r Record) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ent, ok := e.open[r.QueueID]; ok {
		ent.rec = r
	}
	e.countOpen()
}

// remove forgets a closed follow-up.
func (e *Engine) remove(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.open, id)
	e.countOpen()
}

// lostLine says that gordon lost track of r, and where to look.
func (e *Engine) lostLine(r Record, reason string) string {
	line := fmt.Sprintf("lost track of %s: %s", subject(r, r.Build), reason)
	if r.URL != "" {
		line += "; see " + r.URL
	}
	return addressed(r, line)
}

// startLine reports that r's build b started.
func startLine(r Record, b commands.JenkinsBuild) string {
	line := subject(r, b.Number) + " started"
	if b.BuiltOn != "" {
		line += " on " + b.BuiltOn
	}
	return addressed(r, line+": "+b.URL)
}

// endLine reports that r's build b ended.
func endLine(r Record, b commands.JenkinsBuild) string {
	return addressed(r, fmt.Sprintf("%s ended: %s after %s: %s", subject(r, b.Number), b.Result, human(b.Duration), b.URL))
}

// subject names r's build: "docker-pr #57 for PR 1234"; without a
// number while it waits in the queue.
func subject(r Record, number int64) string {
	s := r.Job
	if number > 0 {
		s += fmt.Sprintf(" #%d", number)
	}
	if r.PR > 0 {
		s += fmt.Sprintf(" for PR %d", r.PR)
	}
	return s
}

// addressed puts the person's nick before a line in a channel.
func addressed(r Record, line string) string {
	if r.Private || r.Nick == "" {
		return line
	}
	return r.Nick + ": " + line
}

// human writes a duration to the second: "4m12s", "2h", "under a second".
func human(d time.Duration) string {
	if d < time.Second {
		return "under a second"
	}
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
