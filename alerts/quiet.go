package alerts

import (
	"context"
	"maps"
	"regexp"
	"time"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/fleet"
)

// MaintRecords gives gordon's own maintenance records, which hold nodes
// whose Consul agent gordon could not reach. *fleet.MaintBook implements
// it.
type MaintRecords interface {
	// MaintRecords returns every node's latest record, on or off, by node
	// name. Its errors are the store's; the engine logs them and keeps
	// the records it had.
	MaintRecords(ctx context.Context) (map[string]fleet.MaintRecord, error)
}

// cause is why a check is kept quiet; the zero cause is none.
type cause struct {
	reason  string // reasonMaintenance, reasonUpgrade or reasonSilence
	silence string // the silence's ID, for reasonSilence
}

// none reports whether c keeps nothing quiet.
func (c cause) none() bool {
	return c.reason == ""
}

// upgrade is a node kept quiet while it is upgraded.
type upgrade struct {
	until time.Time
	why   string
}

// quietSet is what keeps checks quiet besides Consul's own maintenance:
// gordon's maintenance records, upgrades and silences. The engine guards
// it with its lock, and takes the catalog in again when it changes.
type quietSet struct {
	records  map[string]bool // the nodes gordon's records hold in maintenance
	upgrades map[string]upgrade
	silences []*activeSilence

	// ends is the earliest time an upgrade or a silence ends; zero when
	// none will.
	ends time.Time
}

func newQuietSet() *quietSet {
	return &quietSet{records: map[string]bool{}, upgrades: map[string]upgrade{}}
}

// node returns why every check of node is quiet, if it is: maintenance,
// by Consul (consulMaint) or by gordon's record, before an upgrade.
func (q *quietSet) node(node string, consulMaint bool) cause {
	if consulMaint || q.records[node] {
		return cause{reason: reasonMaintenance}
	}
	if _, ok := q.upgrades[node]; ok {
		return cause{reason: reasonUpgrade}
	}
	return cause{}
}

// check returns the silence that mutes a check of node, if one does;
// the one made first wins.
func (q *quietSet) check(node, name, id string) cause {
	for _, s := range q.silences {
		if s.matches(node, name, id) {
			return cause{reason: reasonSilence, silence: s.id}
		}
	}
	return cause{}
}

// setRecords takes in gordon's maintenance records, and reports whether
// the nodes they hold in maintenance changed.
func (q *quietSet) setRecords(recs map[string]fleet.MaintRecord) bool {
	on := make(map[string]bool, len(recs))
	for node, r := range recs {
		if r.On {
			on[node] = true
		}
	}
	if maps.Equal(on, q.records) {
		return false
	}
	q.records = on
	return true
}

// rebuild takes in the silences in force at now and forgets the
// upgrades that ended, then works out when the next one ends. A silence
// kept from before keeps its compiled glob and what it learnt.
func (q *quietSet) rebuild(sils []commands.Silence, now time.Time) {
	old := make(map[string]*activeSilence, len(q.silences))
	for _, s := range q.silences {
		old[s.id] = s
	}

	q.silences = q.silences[:0]
	q.ends = time.Time{}
	for _, sil := range sils {
		if !now.Before(sil.Until) {
			continue
		}
		s, ok := old[sil.ID]
		if !ok || !s.until.Equal(sil.Until) {
			s = compileSilence(sil)
		}
		q.silences = append(q.silences, s)
		q.ends = earliest(q.ends, s.until)
	}

	for node, u := range q.upgrades {
		if !now.Before(u.until) {
			delete(q.upgrades, node)
			continue
		}
		q.ends = earliest(q.ends, u.until)
	}
}

// earliest returns the earlier of a and b, a zero time standing for
// none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// activeSilence is a silence in force, ready to match checks.
type activeSilence struct {
	id    string
	until time.Time
	nodes map[string]bool // nil: every node
	check *regexp.Regexp  // nil: every check

	// names remembers, by check name or ID, whether check matches it: a
	// fleet has few check names and many checks.
	names map[string]bool
}

// compileSilence prepares sil for matching.
func compileSilence(sil commands.Silence) *activeSilence {
	s := &activeSilence{id: sil.ID, until: sil.Until, names: map[string]bool{}}
	if len(sil.Nodes) > 0 {
		s.nodes = make(map[string]bool, len(sil.Nodes))
		for _, n := range sil.Nodes {
			s.nodes[n] = true
		}
	}
	if sil.Check != "" {
		// A glob always compiles; should it not, the silence matches the
		// name as written rather than nothing.
		re, err := regexp.Compile(fleet.GlobRegexp(sil.Check))
		if err != nil {
			re = regexp.MustCompile("^" + regexp.QuoteMeta(sil.Check) + "$")
		}
		s.check = re
	}
	return s
}

// matches reports whether the silence mutes the check of node with name
// and id.
func (s *activeSilence) matches(node, name, id string) bool {
	if s.nodes != nil && !s.nodes[node] {
		return false
	}
	if s.check == nil {
		return true
	}
	return s.named(name) || s.named(id)
}

// named reports whether the check glob matches name.
func (s *activeSilence) named(name string) bool {
	m, ok := s.names[name]
	if !ok {
		m = s.check.MatchString(name)
		s.names[name] = m
	}
	return m
}

// Quiet keeps every check of node quiet until until, as maintenance
// does. It is for the fleet upgrade, which calls it before it touches a
// node, why saying so ("upgrade to 1.8.0"), and Unquiet once the node is
// back. While quiet, the node's changes are taken in silently; when the
// quiet ends, a check still failing is announced after its debounce.
//
// Quiet does no I/O and keeps nothing across a restart: an upgrade that
// resumes calls it again. A later call for the same node replaces the
// earlier one.
func (e *Engine) Quiet(node string, until time.Time, why string) {
	e.mu.Lock()
	e.quiet.upgrades[node] = upgrade{until: until, why: why}
	e.requiet = true
	e.mu.Unlock()

	e.log.Info("alerts quiet for node", keyNode, node, keyUntil, until, keyReason, why)
	signal(e.wake)
}

// Unquiet ends the quiet that Quiet began for node, if any.
func (e *Engine) Unquiet(node string) {
	e.mu.Lock()
	_, ok := e.quiet.upgrades[node]
	delete(e.quiet.upgrades, node)
	e.requiet = e.requiet || ok
	e.mu.Unlock()

	if ok {
		e.log.Info("alerts quiet ended for node", keyNode, node)
		signal(e.wake)
	}
}

// requietLocked rebuilds the quiet set when it changed or one of its
// silences or upgrades ended, and reports whether it did: the catalog
// must then be taken in again, since no snapshot comes for a change that
// happened in gordon.
func (e *Engine) requietLocked(now time.Time) bool {
	e.drainSilences()
	ended := !e.quiet.ends.IsZero() && !now.Before(e.quiet.ends)
	if !e.requiet && !ended {
		return false
	}

	e.requiet = false
	var sils []commands.Silence
	if e.silences != nil {
		sils = e.silences.Active(now)
	}
	e.quiet.rebuild(sils, now)
	return true
}

// drainSilences takes the silences' change signal, if one waits, and
// marks the quiet set for a rebuild.
func (e *Engine) drainSilences() {
	if e.silences == nil {
		return
	}
	select {
	case <-e.silences.Changed():
		e.requiet = true
	default:
	}
}
