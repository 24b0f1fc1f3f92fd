package alerts

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

func TestHuman(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{name: "blink", d: 300 * time.Millisecond, want: "under 1s"},
		{name: "seconds", d: 40*time.Second + 400*time.Millisecond, want: "40s"},
		{name: "minutes and seconds", d: 4*time.Minute + 5*time.Second, want: "4m5s"},
		{name: "whole minutes", d: 3 * time.Minute, want: "3m"},
		{name: "long minutes", d: 12*time.Minute + 20*time.Second, want: "12m"},
		{name: "hours", d: 2*time.Hour + 5*time.Minute, want: "2h5m"},
		{name: "days", d: 76 * time.Hour, want: "3d4h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := human(tt.d); got != tt.want {
				t.Errorf("human(%s) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestNodeList(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want string
	}{
		{name: "one", n: 1, want: "n-1"},
		{name: "six named", n: 6, want: "n-1, n-2, n-3, n-4, n-5, n-6"},
		{name: "nine counted", n: 9, want: "n-1, n-2, n-3, n-4, n-5, ... and 4 more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var nodes []string
			for i := 1; i <= tt.n; i++ {
				nodes = append(nodes, fmt.Sprintf("n-%d", i))
			}
			if got := nodeList(nodes); got != tt.want {
				t.Errorf("nodeList = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVersionGlob(t *testing.T) {
	tests := []struct {
		v, want string
	}{
		{v: "3.19.0-25-generic", want: "3.19*"},
		{v: "v1.7.0-rc1", want: "1.7*"},
		{v: "4.4", want: "4.4*"},
		{v: "ubuntu-14.04"},
		{v: "devmapper"},
		{v: "7"},
	}
	for _, tt := range tests {
		t.Run(tt.v, func(t *testing.T) {
			got, ok := versionGlob(tt.v)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("versionGlob(%q) = %q, %v; want %q", tt.v, got, ok, tt.want)
			}
		})
	}
}

func TestCorrelate(t *testing.T) {
	_, meta := testFleet()
	f := newFacts(meta, fleet.DefaultMetaKeys())
	names := fleet.DefaultMetaKeys().Names()
	tests := []struct {
		name  string
		nodes []string
		want  []string
	}{
		{name: "one node says nothing", nodes: []string{"dm-1"}},
		{
			name:  "shared and over-represented",
			nodes: []string{"dm-1", "dm-2", "dm-3", "dm-4", "dm-5", "dm-6", "dm-7", "dm-8", "dm-10"},
			want:  []string{"all storage=devmapper", "8/9 kernel=3.19*"},
		},
		{name: "what most of the fleet holds", nodes: []string{"ov-1", "ov-2", "ov-3"}},
		{
			name:  "many of the common value",
			nodes: []string{"ov-1", "ov-2", "ov-3", "ov-4", "ov-5", "ov-6", "ov-7", "ov-8", "ov-9", "ov-10"},
			want:  []string{"all storage=overlay"},
		},
		{name: "half and half", nodes: []string{"dm-1", "ov-1", "ov-2", "dm-9"}},
		{name: "unknown nodes", nodes: []string{"x-1", "x-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, ft := range correlate(tt.nodes, f, names) {
				got = append(got, ft.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("correlate = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestChanceAtLeast(t *testing.T) {
	tests := []struct {
		k, n int
		p    float64
		want float64
	}{
		{k: 2, n: 2, p: 0.75, want: 0.5625},
		{k: 0, n: 5, p: 0.3, want: 1},
		{k: 1, n: 1, p: 0, want: 0},
		{k: 1000, n: 1000, p: 0.75, want: 0},
	}
	for _, tt := range tests {
		got := chanceAtLeast(tt.k, tt.n, tt.p)
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("chanceAtLeast(%d, %d, %v) = %v, want %v", tt.k, tt.n, tt.p, got, tt.want)
		}
	}
}
