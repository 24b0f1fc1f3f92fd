package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeSilencer keeps silences in memory, giving IDs from 1, or fails when
// told to.
type fakeSilencer struct {
	all []Silence
	err error
}

func (f *fakeSilencer) AddSilence(ctx context.Context, s Silence) (Silence, error) {
	if f.err != nil {
		return s, f.err
	}
	s.ID = fmt.Sprint(len(f.all) + 1)
	f.all = append(f.all, s)
	return s, nil
}

func (f *fakeSilencer) Silences(ctx context.Context, now time.Time) ([]Silence, error) {
	var out []Silence
	for _, s := range f.all {
		if now.Before(s.Until) {
			out = append(out, s)
		}
	}
	return out, f.err
}

func (f *fakeSilencer) EndSilence(ctx context.Context, id string) (Silence, error) {
	i := slices.IndexFunc(f.all, func(s Silence) bool { return s.ID == id })
	if i < 0 {
		return Silence{}, fmt.Errorf("silence %q: %w", id, ErrNoSilence)
	}
	s := f.all[i]
	f.all = slices.Delete(f.all, i, i+1)
	return s, nil
}

// silenceDeps are the fakes the silence commands under test run on.
type silenceDeps struct {
	nodes    *fakeMaintNodes
	silences *fakeSilencer
	confirm  *Confirmer
}

func newSilenceDeps(n int) *silenceDeps {
	return &silenceDeps{nodes: &fakeMaintNodes{nodes: maintNodes(n)}, silences: &fakeSilencer{},
		confirm: NewConfirmer(ConfirmTTL)}
}

// commands returns silence, silences and unsilence over the fakes, by
// name, their clock fixed at maintClock.
func (d *silenceDeps) commands() map[string]Command {
	s := &silencer{SilenceOptions: SilenceOptions{Nodes: d.nodes, Silences: d.silences, Confirm: d.confirm,
		Location: time.UTC, Logger: discardLogger()}, now: func() time.Time { return maintClock }}
	out := map[string]Command{}
	for _, c := range s.commands() {
		out[c.Name] = c
	}
	return out
}

func TestParseSilence(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		sels   string
		check  string
		length time.Duration
		reason string
	}{
		{"node", "silence dm-3 2h", "node=dm-3", "", 2 * time.Hour, ""},
		{"check only", "silence check=disk 30m", "", "disk", 30 * time.Minute, ""},
		{"selectors and a check glob", `silence storage=devmapper check=docker* 1d "kernel bug"`,
			"storage=devmapper", "docker*", 24 * time.Hour, "kernel bug"},
		{"reason words", "silence dm-? 1h30m swapping disks on 2h", "node=dm-?", "", 90 * time.Minute,
			"swapping disks on 2h"},
		{"a node named like a duration", `silence "2h" 1h`, "node=2h", "", time.Hour, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := ParseInvocation(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			r, err := parseSilence(inv)
			if err != nil {
				t.Fatalf("parseSilence(%q): %v", tt.line, err)
			}
			if r.sels.String() != tt.sels || r.check != tt.check || r.length != tt.length || r.reason != tt.reason {
				t.Errorf("parseSilence(%q) = %q, check %q, %s, %q; want %q, %q, %s, %q", tt.line,
					r.sels, r.check, r.length, r.reason, tt.sels, tt.check, tt.length, tt.reason)
			}
		})
	}
}

func TestParseSilenceRefuses(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{"nothing", "silence", "name the nodes or check=NAME"},
		{"no target", "silence 2h", "before the duration"},
		{"no duration", "silence dm-1 check=disk", "say for how long after dm-1 check=disk"},
		{"negated check", "silence dm-1 check!=disk 1h", "not check!=NAME"},
		{"two checks", "silence check=disk check=load 1h", "name one check"},
		{"option", "silence dm-1 --force 1h", "takes no options"},
		{"too long", "silence dm-1 2y", "say for how long"},
		{"long reason", "silence dm-1 1h " + strings.Repeat("x", 201), "keep it under 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := ParseInvocation(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			_, err = parseSilence(inv)
			var usage *UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("parseSilence(%q) = %v, want a usage error saying %q", tt.line, err, tt.want)
			}
		})
	}
}

func TestSilenceFewNodes(t *testing.T) {
	d := newSilenceDeps(3)
	cmds := d.commands()

	lines, err := runMaint(t, cmds["silence"], `silence dm-* check=docker* 2h "kernel bug"`, false)
	if err != nil {
		t.Fatal(err)
	}
	want := "silence 1: dm-* check=docker* on 3 nodes until 12:00 UTC; unsilence 1 ends it sooner"
	if len(lines) != 1 || lines[0] != want {
		t.Fatalf("answer %q, want [%q]", lines, want)
	}

	got := d.silences.all
	wantSil := Silence{ID: "1", Match: "dm-* check=docker*", Nodes: []string{"dm-1", "dm-2", "dm-3"},
		Check: "docker*", Who: "alice", Reason: "kernel bug", Start: maintClock, Until: maintClock.Add(2 * time.Hour)}
	if len(got) != 1 || !equalSilence(got[0], wantSil) {
		t.Errorf("stored %+v, want %+v", got, wantSil)
	}
	if asked := d.nodes.asked; len(asked) != 1 || asked[0].String() != "node=dm-*" {
		t.Errorf("nodes asked for %v, want the node selector only", asked)
	}
}

// equalSilence compares two silences field by field.
func equalSilence(a, b Silence) bool {
	return a.ID == b.ID && a.Match == b.Match && slices.Equal(a.Nodes, b.Nodes) && a.Check == b.Check &&
		a.Who == b.Who && a.Reason == b.Reason && a.Start.Equal(b.Start) && a.Until.Equal(b.Until)
}

func TestSilenceManyNodesAsksForConfirm(t *testing.T) {
	d := newSilenceDeps(7)
	cmds := d.commands()

	lines, err := runMaint(t, cmds["silence"], "silence check=disk 1d", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0],
		"silence check=disk on 7 nodes (dm-1, dm-2, dm-3, dm-4, dm-5 +2) for 24h: say \"confirm ") {
		t.Fatalf("answer %q, want a plan asking for confirm", lines)
	}
	if len(d.silences.all) != 0 {
		t.Fatal("silenced before the confirm")
	}

	token := strings.Fields(strings.SplitN(lines[0], `"confirm `, 2)[1])[0]
	token = strings.TrimSuffix(token, `"`)
	lines, err = runMaint(t, d.confirm.Command(), "confirm "+token, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.silences.all) != 1 || len(d.silences.all[0].Nodes) != 0 {
		t.Fatalf("stored %+v, want one silence of every node (no node list)", d.silences.all)
	}
	if want := "silence 1: check=disk on every node (7 now) until Mar 2 10:00 UTC"; !strings.HasPrefix(lines[1], want) {
		t.Errorf("answer %q, want it to start %q", lines, want)
	}
}

func TestSilenceFailures(t *testing.T) {
	d := newSilenceDeps(1)
	cmds := d.commands()

	d.nodes.nodes = nil
	_, err := runMaint(t, cmds["silence"], "silence dm-9 1h", false)
	var user *UserError
	if !errors.As(err, &user) || !strings.Contains(err.Error(), "no node matches node=dm-9") {
		t.Errorf("no node: %v, want a user error", err)
	}

	d.nodes.nodes = maintNodes(1)
	d.silences.err = errors.New("disk full")
	_, err = runMaint(t, cmds["silence"], "silence dm-1 1h", false)
	if !errors.As(err, &user) || !strings.Contains(user.Msg, "nothing is silenced") {
		t.Errorf("store failing: %v, want a user error saying nothing is silenced", err)
	}
}

func TestSilencesAndUnsilence(t *testing.T) {
	d := newSilenceDeps(2)
	cmds := d.commands()

	lines, _ := runMaint(t, cmds["silences"], "silences", false)
	if !slices.Equal(lines, []string{"no silences in force"}) {
		t.Errorf("no silences: %q", lines)
	}

	d.nodes.nodes = maintNodes(1)
	if _, err := runMaint(t, cmds["silence"], "silence dm-1 1h disk swap", false); err != nil {
		t.Fatal(err)
	}
	d.nodes.nodes = maintNodes(2)
	for _, line := range []string{"silence dm-? 2h", "silence check=load 3h"} {
		if _, err := runMaint(t, cmds["silence"], line, false); err != nil {
			t.Fatal(err)
		}
	}
	lines, _ = runMaint(t, cmds["silences"], "silences", false)
	want := []string{
		"1: dm-1, 1h left, by alice: disk swap",
		"2: dm-? (2 nodes), 2h left, by alice",
		"3: check=load (every node), 3h left, by alice",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("silences:\n got %q\nwant %q", lines, want)
	}

	lines, err := runMaint(t, cmds["unsilence"], "unsilence #1", false)
	if err != nil || !slices.Equal(lines, []string{"silence 1 ended: dm-1, set by alice"}) {
		t.Errorf("unsilence: %q, %v", lines, err)
	}
	_, err = runMaint(t, cmds["unsilence"], "unsilence 1", false)
	var user *UserError
	if !errors.As(err, &user) || !strings.Contains(err.Error(), `no silence "1" in force`) {
		t.Errorf("unsilence again: %v, want a user error", err)
	}
	if _, err := runMaint(t, cmds["unsilence"], "unsilence", false); err == nil {
		t.Error("unsilence without an ID: want a usage error")
	}
}

func TestSilenceCommandsNeedTheirParts(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("SilenceCommands without Silences: want a panic")
		}
	}()
	SilenceCommands(SilenceOptions{Nodes: &fakeMaintNodes{}, Confirm: NewConfirmer(ConfirmTTL)})
}
