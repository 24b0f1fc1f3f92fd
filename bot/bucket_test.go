package bot

import (
	"testing"
	"time"
)

func TestBucketReserve(t *testing.T) {
	b := newBucket(3, 2*time.Second)
	now := time.Unix(1000, 0)

	var got []time.Duration
	for range 5 {
		got = append(got, b.reserve(now))
	}
	want := []time.Duration{0, 0, 0, 2 * time.Second, 4 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reserve #%d = %s, want %s (all %v)", i, got[i], want[i], got)
		}
	}

	// After a long pause the burst is back, but never more than the burst.
	later := now.Add(time.Minute)
	for i := range 3 {
		if d := b.reserve(later); d != 0 {
			t.Fatalf("after a pause, slot %d waits %s", i, d)
		}
	}
	if d := b.reserve(later); d != 2*time.Second {
		t.Fatalf("the fourth line after a pause waits %s, want 2s", d)
	}
}

func TestBucketRefill(t *testing.T) {
	b := newBucket(2, time.Hour)
	now := time.Now()
	b.reserve(now)
	b.reserve(now)
	if d := b.reserve(now); d == 0 {
		t.Fatal("the bucket should be empty")
	}

	b.refill()
	if d := b.reserve(now); d != 0 {
		t.Fatalf("after refill a slot waits %s", d)
	}
}
