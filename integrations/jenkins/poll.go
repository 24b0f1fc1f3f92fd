package jenkins

import (
	"context"
	"time"
)

// poll calls look until it reports done, waiting between two calls from
// PollInterval, half as long again each time, up to PollMaxInterval. It
// gives up with a *WaitError once limit has passed. An error of look that
// may pass (Jenkins unreachable or failing) is logged and waited out; any
// other ends the poll.
func (c *Client) poll(ctx context.Context, what string, limit time.Duration,
	look func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeoutCause(ctx, limit, &WaitError{What: what, Limit: limit})
	defer cancel()

	wait := c.cfg.PollInterval
	for {
		done, err := look(ctx)
		switch {
		case done:
			return nil
		case ctx.Err() != nil:
			return context.Cause(ctx)
		case err != nil && !transient(err):
			return err
		case err != nil:
			c.log.Warn("jenkins unavailable while waiting", keyWaitingFor, what, keyError, err)
		}

		if err := sleep(ctx, wait); err != nil {
			return context.Cause(ctx)
		}
		wait = nextWait(wait, c.cfg.PollMaxInterval)
	}
}

// nextWait returns the wait after d: half as long again, at most max.
func nextWait(d, max time.Duration) time.Duration {
	return min(d+d/2, max)
}
