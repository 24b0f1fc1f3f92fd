package announce

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/integrations/github"
)

// Announcer formats the events the webhook receiver accepted and sends
// each to the channels of the routes it matches. It is the receiver's
// EventHandler.
type Announcer struct {
	routes  []route
	out     commands.Replier
	log     *slog.Logger
	metrics *metrics
}

var _ github.EventHandler = (*Announcer)(nil)

// New returns an announcer for cfg, which must have had Defaults and
// Validate, sending through out. A nil log discards its lines; its
// metrics are registered with reg when reg is not nil.
func New(cfg Config, out commands.Replier, log *slog.Logger,
	reg prometheus.Registerer) (*Announcer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Announcer{out: out, log: log, metrics: newMetrics(reg)}
	for i, r := range cfg.Routes {
		c, err := compile(r)
		if err != nil {
			return nil, fmt.Errorf("announce route %d: %w", i, err)
		}
		a.routes = append(a.routes, c)
	}
	return a, nil
}

// HandleEvent announces e in every channel a route sends it to, once per
// channel. An event gordon does not announce, or that no route takes,
// is dropped without error. The error joins the failures to hand a line
// to the replier, which happen only when it is closed or ctx ends.
func (a *Announcer) HandleEvent(ctx context.Context, e github.Event) error {
	n, ok := noticeFor(e)
	if !ok {
		return nil
	}

	var errs []error
	for _, channel := range a.channels(n) {
		reply := commands.Reply{Target: channel, Priority: commands.PriorityAnnounce,
			Lines: []string{n.line}}
		if err := a.out.Send(ctx, reply); err != nil {
			a.metrics.failed.Inc()
			err = fmt.Errorf("announce %s %s in %s: %w", e.Type, e.Delivery, channel, err)
			errs = append(errs, err)
			continue
		}
		a.metrics.sent.WithLabelValues(n.event).Inc()
		a.log.Debug("github event announced", keyEvent, e.Type, keyDelivery, e.Delivery,
			keyRepo, n.repo, keyChannel, channel)
	}
	return errors.Join(errs...)
}

// channels returns the channels of the routes n matches, each once.
func (a *Announcer) channels(n notice) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range a.routes {
		key := strings.ToLower(r.channel)
		if !seen[key] && r.matches(n) {
			seen[key] = true
			out = append(out, r.channel)
		}
	}
	return out
}

// Line returns the announcement for e and whether gordon announces it at
// all, whatever the routes say. It is what HandleEvent sends.
func Line(e github.Event) (string, bool) {
	n, ok := noticeFor(e)
	return n.line, ok
}

// metrics of the announcer.
type metrics struct {
	sent   *prometheus.CounterVec
	failed prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gordon_announcements_total",
			Help: "Announcement lines handed to IRC, by GitHub event type.",
		}, []string{"event"}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gordon_announcement_failures_total",
			Help: "Announcement lines the IRC side did not take.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.sent, m.failed)
	}
	return m
}
