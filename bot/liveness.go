package bot

import (
	"time"
)

// The liveness watch notices a server that stopped answering while the
// socket stays open (a hung server, a dropped route, a NAT that forgot
// the connection). girc has a ping loop of its own, but it waits at least
// 30 s after connecting and counts in steps of 20 s or more, so a silent
// server would hold gordon for minutes; this watch is the only one.

// livenessTicks is how often the watch looks, as a share of the interval.
const livenessTicks = 4

// watchLiveness pings the server after PingInterval without a line from
// it, and closes the connection after PingTimeout more without one; the
// session then reconnects as after any other loss. It returns when pc is
// closed.
func (s *Session) watchLiveness(pc *pacedConn) {
	interval, timeout := s.cfg.PingInterval.D(), s.cfg.PingTimeout.D()
	tick := time.NewTicker(max(interval/livenessTicks, time.Millisecond))
	defer tick.Stop()

	var pinged time.Time // when the last unanswered ping went out
	for {
		select {
		case <-pc.ctx.Done():
			return
		case <-tick.C:
		}
		silent := time.Since(pc.lastRead())
		switch {
		case silent < interval:
			pinged = time.Time{}
		case !pc.registered.Load():
			// No ping before the welcome: servers ignore it there. A
			// server that says nothing for as long during registration
			// is as dead as one that stops answering pings.
			if silent >= interval+timeout {
				s.dropSilent(pc, silent)
				return
			}
		case pinged.IsZero():
			pinged = time.Now()
			// A ping that cannot be written means the socket is gone;
			// girc notices that by itself.
			_ = pc.WriteLine(pc.ctx, "PING :gordon")
		case time.Since(pinged) >= timeout:
			s.dropSilent(pc, silent)
			return
		}
	}
}

// dropSilent closes the connection to a server that stopped talking.
func (s *Session) dropSilent(pc *pacedConn, silent time.Duration) {
	s.log.Warn("irc server silent; reconnecting", keySilent, silent.Round(time.Millisecond))
	s.metrics.pingTimeouts.Inc()
	pc.Close()
}
