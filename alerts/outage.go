package alerts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

// Names of the dependencies whose outages the engine announces.
const (
	DependencyConsul  = "consul"
	DependencyJenkins = "jenkins"
	DependencyGitHub  = "github"
)

// resyncFor is how long after an announced Consul outage the changes
// found are marked as of an unknown time, and checks missing from the
// snapshots are kept rather than forgotten: Consul's agents sync their
// checks to the servers again within about a minute (anti-entropy),
// longer in a large cluster, and a restored server fills in meanwhile.
const resyncFor = 2 * time.Minute

// outage is a dependency failing to answer.
type outage struct {
	since time.Time // the first failure
	err   string    // the latest error, brief and redacted
	told  bool      // the unreachable line was sent
}

// Unreachable tells the engine that the dependency name failed to
// answer, with err. Once it has failed for unreachable_after, one line
// says so ("consul unreachable since 14:03 UTC (connection refused)");
// Reachable ends the outage. It does no I/O and never blocks, so that a
// watch may call it from its own loop.
func (e *Engine) Unreachable(name string, err error) {
	now := e.now()
	brief := fleet.CheckOutput(errorBrief(err))

	e.mu.Lock()
	o := e.outages[name]
	if o == nil {
		o = &outage{since: now}
		e.outages[name] = o
		e.metrics.unreachable.WithLabelValues(name).Set(1)
	}
	o.err = brief
	e.mu.Unlock()

	signal(e.wake)
}

// Reachable tells the engine that the dependency name answered. After
// an outage that was announced, one line says it is back and for how
// long it was not; a shorter one passes unsaid. Consul coming back opens
// the resynchronisation, when the changes found are marked as of an
// unknown time.
func (e *Engine) Reachable(name string) {
	now := e.now()

	e.mu.Lock()
	o := e.outages[name]
	if o == nil {
		e.mu.Unlock()
		return
	}
	delete(e.outages, name)
	e.metrics.unreachable.WithLabelValues(name).Set(0)
	if o.told {
		e.outageLines = append(e.outageLines, fmt.Sprintf("%s back after %s", name, human(now.Sub(o.since))))
		if name == DependencyConsul {
			e.tracker.resyncUntil = now.Add(resyncFor)
		}
	}
	e.mu.Unlock()

	e.log.Info("dependency reachable", keyDependency, name, keyDown, now.Sub(o.since), keyTold, o.told)
	signal(e.wake)
}

// errorBrief says what went wrong in a few words: the error's own Brief
// when it has one, else its text without the context that callers put
// before the cause ("watch health checks: ").
func errorBrief(err error) string {
	var b interface{ Brief() string }
	if errors.As(err, &b) {
		return b.Brief()
	}
	for {
		cause := errors.Unwrap(err)
		if cause == nil || !strings.HasSuffix(err.Error(), ": "+cause.Error()) {
			return err.Error()
		}
		err = cause
	}
}

// outagesDueLocked adds the unreachable line of each outage that has
// lasted unreachable_after by now, and returns every outage line waiting.
func (e *Engine) outagesDueLocked(now time.Time) []string {
	after := e.cfg.UnreachableAfter.D()
	for name, o := range e.outages {
		if o.told || now.Before(o.since.Add(after)) {
			continue
		}
		o.told = true
		e.outageLines = append(e.outageLines, fmt.Sprintf("%s unreachable since %s (%s)",
			name, e.clock(o.since, now), o.err))
	}

	lines := e.outageLines
	e.outageLines = nil
	return lines
}

// nextOutageLocked returns when the next unreachable line falls due.
func (e *Engine) nextOutageLocked() (time.Time, bool) {
	var first time.Time
	for _, o := range e.outages {
		if !o.told {
			first = earliest(first, o.since.Add(e.cfg.UnreachableAfter.D()))
		}
	}
	return first, !first.IsZero() || len(e.outageLines) > 0
}

// clock shows t as a time of day in the engine's zone, with the date
// when it is a day or more before now: "14:03 UTC", "Mar 2 14:03 UTC".
func (e *Engine) clock(t, now time.Time) string {
	t = t.In(e.loc)
	if now.Sub(t) < 20*time.Hour {
		return t.Format("15:04 MST")
	}
	return t.Format("Jan 2 15:04 MST")
}

// Probe asks check every interval whether the dependency name answers,
// and tells the engine either way, until ctx ends; it then returns ctx's
// error. It is for a dependency whose failures gordon would otherwise
// hear of only when someone needs it (Jenkins between two rebuilds).
// Each check gets at most the interval.
func (e *Engine) Probe(ctx context.Context, name string, every time.Duration,
	check func(context.Context) error) error {
	for {
		pctx, cancel := context.WithTimeout(ctx, every)
		err := check(pctx)
		cancel()

		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			e.Unreachable(name, err)
		default:
			e.Reachable(name)
		}
		if !sleep(ctx, every) {
			return ctx.Err()
		}
	}
}
