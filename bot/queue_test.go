package bot

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gordonbot/gordon/commands"
)

func drain(t *testing.T, q *queue, ready func(string) bool) []string {
	t.Helper()
	var got []string
	for {
		total, _ := q.len()
		if total == 0 {
			return got
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		l, err := q.pop(ctx, ready)
		cancel()
		if err != nil {
			return got
		}
		got = append(got, l.target+":"+l.text)
	}
}

func all(string) bool { return true }

func TestQueueOrder(t *testing.T) {
	tests := []struct {
		name  string
		lines []outLine
		ready func(string) bool
		want  []string
	}{
		{
			name: "priority first",
			lines: []outLine{
				{target: "#a", text: "announce", priority: commands.PriorityAnnounce},
				{target: "#a", text: "reply", priority: commands.PriorityReply},
				{target: "#a", text: "alert", priority: commands.PriorityAlert},
			},
			ready: all,
			want:  []string{"#a:alert", "#a:reply", "#a:announce"},
		},
		{
			name: "round robin between targets, order kept per target",
			lines: []outLine{
				{target: "#a", text: "1"}, {target: "#a", text: "2"}, {target: "#a", text: "3"},
				{target: "bob", text: "1"}, {target: "#b", text: "1"},
			},
			ready: all,
			want:  []string{"#a:1", "bob:1", "#b:1", "#a:2", "#a:3"},
		},
		{
			name:  "a target that is not ready waits",
			lines: []outLine{{target: "#gone", text: "x"}, {target: "#a", text: "y"}},
			ready: func(target string) bool { return target != "#gone" },
			want:  []string{"#a:y"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQueue()
			for i := range tt.lines {
				if tt.lines[i].priority == 0 && tt.lines[i].text != "alert" {
					tt.lines[i].priority = commands.PriorityReply
				}
			}
			q.push(tt.lines...)

			got := drain(t, q, tt.ready)
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

func TestQueuePopWaitsForReadiness(t *testing.T) {
	q := newQueue()
	q.push(outLine{target: "#a", text: "x", priority: commands.PriorityReply})

	var joined atomicBool
	got := make(chan string, 1)
	go func() {
		l, err := q.pop(context.Background(), func(string) bool { return joined.get() })
		if err == nil {
			got <- l.text
		}
	}()

	select {
	case <-got:
		t.Fatal("popped a line for a channel not joined")
	case <-time.After(50 * time.Millisecond):
	}
	joined.set(true)
	q.notify()
	select {
	case text := <-got:
		if text != "x" {
			t.Fatalf("got %q", text)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("pop did not wake on notify")
	}
}

type atomicBool struct{ v atomic.Bool }

func (b *atomicBool) get() bool  { return b.v.Load() }
func (b *atomicBool) set(v bool) { b.v.Store(v) }
