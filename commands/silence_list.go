package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// list answers silences: one line per silence in force, the soonest to
// end first.
func (s *silencer) list(ctx context.Context, req *Request) error {
	if len(req.Inv.Tokens) > 0 {
		return Usagef("silences takes no arguments")
	}

	now := s.now()
	all, err := s.Silences.Silences(ctx, now)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		req.Reply("no silences in force")
		return nil
	}

	for _, sil := range all {
		req.Reply("%s", silenceLine(sil, now))
	}
	return nil
}

// silenceLine describes a silence in force: "4: dm-1 dm-2 check=disk (2
// nodes), 1h20m left, by alice: disk swap". The nodes are left out when
// the match names the one node.
func silenceLine(sil Silence, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %s left, by %s", sil.ID, silenceWhat(sil), short(sil.Until.Sub(now)), sil.Who)
	if sil.Reason != "" {
		b.WriteString(": " + sil.Reason)
	}
	return b.String()
}

// silenceWhat says what a silence mutes: its match, then the nodes it
// covers unless the match names the one node: "dm-? (2 nodes)".
func silenceWhat(sil Silence) string {
	if scope := silenceScope(sil); scope != sil.Match {
		return sil.Match + " (" + scope + ")"
	}
	return sil.Match
}

// silenceScope says which nodes a silence covers: "every node", "dm-3",
// "7 nodes".
func silenceScope(sil Silence) string {
	switch len(sil.Nodes) {
	case 0:
		return "every node"
	case 1:
		return sil.Nodes[0]
	}
	return countNodes(len(sil.Nodes))
}

// unsilence ends a silence before its time. The alerts then say, once,
// which of its checks are still failing.
func (s *silencer) unsilence(ctx context.Context, req *Request) error {
	words := req.Inv.Words()
	if len(words) != 1 || len(req.Inv.Tokens) != 1 {
		return Usagef("unsilence takes the ID silences shows")
	}
	id := strings.TrimPrefix(words[0], "#")

	sil, err := s.Silences.EndSilence(ctx, id)
	if errors.Is(err, ErrNoSilence) {
		return Userf("no silence %s in force (silences lists them)", quoteName(id))
	}
	if err != nil {
		return err
	}

	s.Logger.Info("silence ended", keyCommand, "unsilence", keyWho, req.Caller.Who(), keySilence, sil.ID)
	req.Reply("silence %s ended: %s, set by %s", sil.ID, silenceWhat(sil), sil.Who)
	return nil
}
