package commands

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

func TestMaintShown(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	on := &fleet.MaintRecord{Node: "dm-3", On: true, Who: "alice", Reason: "disk swap", Since: now.Add(-150 * time.Minute)}
	fresh := &fleet.MaintRecord{Node: "dm-3", On: true, Who: "alice", Since: now.Add(-10 * time.Second)}
	off := &fleet.MaintRecord{Node: "dm-3", Who: "bob", Since: now.Add(-5 * time.Minute)}

	tests := []struct {
		name       string
		agent      bool
		record     *fleet.MaintRecord
		wantLine   string
		wantDetail string
	}{
		{
			name: "both", agent: true, record: on,
			wantLine:   "dm-3 maint (disk swap; alice, 2h ago)",
			wantDetail: "dm-3 (10.0.0.3): in maintenance (disk swap; alice, 2h ago); no checks",
		},
		{
			name: "gordon's record only", record: fresh,
			wantLine:   "dm-3 maint (alice, just now; gordon's record only)",
			wantDetail: "dm-3 (10.0.0.3): in maintenance (alice, just now; gordon's record only); no checks",
		},
		{
			name: "set outside gordon", agent: true,
			wantLine:   "dm-3 maint (kernel upgrade; set outside gordon)",
			wantDetail: "dm-3 (10.0.0.3): in maintenance (kernel upgrade; set outside gordon); no checks",
		},
		{
			name: "still on at the agent", agent: true, record: off,
			wantLine:   "dm-3 maint (kernel upgrade; still on at its agent; bob turned it off in gordon 5m ago)",
			wantDetail: "dm-3 (10.0.0.3): in maintenance (kernel upgrade; still on at its agent; bob turned it off in gordon 5m ago); no checks",
		},
		{
			name: "out", record: off,
			wantLine:   "dm-3 ok",
			wantDetail: "dm-3 (10.0.0.3): ok, no checks; not in maintenance",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			health := fleet.Healthy
			if inMaint(tt.agent, tt.record) {
				health = fleet.Maint
			}
			reason := ""
			if tt.agent {
				reason = "kernel upgrade"
			}

			view := fleet.NodeView{Name: "dm-3", Health: health, Maintenance: tt.agent,
				MaintenanceReason: reason, Record: tt.record}
			if got := nodeLine(view, now); got != tt.wantLine {
				t.Errorf("listing line = %q\nwant          %q", got, tt.wantLine)
			}

			detail := fleet.NodeDetail{Name: "dm-3", Address: "10.0.0.3", Health: health, Maintenance: tt.agent,
				MaintenanceReason: reason, Record: tt.record}
			if got := detailLines(detail, now); !slices.Equal(got, []string{tt.wantDetail}) {
				t.Errorf("node = %q\nwant   %q", strings.Join(got, "\n"), tt.wantDetail)
			}
		})
	}
}
