package bot

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	b := newBackoff(time.Second, 8*time.Second)
	steps := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, step := range steps {
		d := b.next()
		if d < step/2 || d > step {
			t.Fatalf("attempt %d waits %s, want between %s and %s", i, d, step/2, step)
		}
	}

	b.reset()
	if d := b.next(); d > time.Second {
		t.Fatalf("after reset the wait is %s, want at most 1s", d)
	}
}
