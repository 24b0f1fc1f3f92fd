package upgrade

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

// drain waits, within BuildWait, until no build runs on the node's agent.
// The agent is offline by now, so no new build starts there.
func (n *nodeRun) drain(ctx context.Context) error {
	if n.u.control == nil {
		return nil
	}

	limit := n.u.cfg.BuildWait.D()
	deadline := n.u.now().Add(limit)
	for {
		busy, err := n.u.control.Busy(ctx, n.t.Node)
		switch {
		case errors.Is(err, ErrNoAgent), err == nil && !busy:
			return nil
		case !n.u.now().Before(deadline) && err != nil:
			return fmt.Errorf("cannot tell whether a build runs on its agent: %w", err)
		case !n.u.now().Before(deadline):
			return fmt.Errorf("a build still runs on its agent after %s", limit)
		}

		if err := sleep(ctx, n.u.cfg.Poll.D()); err != nil {
			return err
		}
	}
}

// waitHealthy waits, within HealthTimeout, until the node reports the
// target version with every check passing, and keeps doing so for the
// settle time.
func (n *nodeRun) waitHealthy(ctx context.Context) error {
	limit, settle := n.u.cfg.HealthTimeout.D(), n.u.cfg.settle()
	deadline := n.u.now().Add(limit)
	var since time.Time // when it last became healthy; zero while it is not
	last := "never asked"
	for {
		h, err := n.u.health.Node(ctx, n.t)
		now := n.u.now()
		if why := unhealthy(h, err, n.t.Version); why != "" {
			since, last = time.Time{}, why
		} else if since.IsZero() {
			since = now
		}

		switch {
		case !since.IsZero() && now.Sub(since) >= settle:
			return nil
		case !now.Before(deadline) && since.IsZero():
			return fmt.Errorf("not healthy after %s: %s", limit, last)
		case !now.Before(deadline):
			return fmt.Errorf("healthy for only %s of the %s it must settle", now.Sub(since).Round(time.Second), settle)
		}

		if err := sleep(ctx, n.u.cfg.Poll.D()); err != nil {
			return err
		}
	}
}

// unhealthy returns why a node whose health reads h (or err) is not yet
// upgraded and healthy, or "" when it is.
func unhealthy(h NodeHealth, err error, target string) string {
	if err != nil {
		return "health unknown: " + clean(err.Error())
	}

	v, ok := fleet.Version(h.Version)
	switch {
	case strings.TrimSpace(h.Version) == "":
		return "reports no version"
	case !ok:
		return fmt.Sprintf("reports %q, which has no version", clean(h.Version))
	case fleet.CompareVersions(v, target) != 0:
		return fmt.Sprintf("reports %s, not %s", v, target)
	case len(h.Failing) > 0:
		return "checks failing: " + strings.Join(h.Failing, ", ")
	}
	return ""
}

// sleep waits for d, or returns ctx's error when it ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()

	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
