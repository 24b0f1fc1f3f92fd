package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gordonbot/gordon/store"
)

// Run checks the Store that open returns against the store.Store contract.
// open is called once per subtest and must return a new, empty Store that
// it closes in t.Cleanup; some subtests close it first.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s store.Store)
	}{
		{"get missing", testGetMissing},
		{"put get", testPutGet},
		{"values are copies", testCopies},
		{"delete", testDelete},
		{"list", testList},
		{"compare and swap", testCompareAndSwap},
		{"batch", testBatch},
		{"batch with a bad key applies nothing", testBatchBadKey},
		{"bad keys", testBadKeys},
		{"closed", testClosed},
		{"cancelled context", testCancelled},
		{"concurrent puts", testConcurrentPuts},
		{"concurrent compare and swap", testConcurrentCompareAndSwap},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.test(t, open(t))
		})
	}
}

func testGetMissing(t *testing.T, s store.Store) {
	_, err := s.Get(t.Context(), "missing/key")
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a missing key: got %v, want ErrNotFound", err)
	}
}

func testPutGet(t *testing.T, s store.Store) {
	tests := []struct {
		name  string
		key   string
		value []byte
	}{
		{"plain", "silences/1", []byte("node=ci-1 2h")},
		{"overwrite", "silences/1", []byte("node=ci-2 1h")},
		{"empty value", "empty", []byte{}},
		{"nil value", "nil", nil},
		{"binary value", "bin", []byte{0, 1, 0xff, 0}},
		{"longest key", strings.Repeat("k", store.MaxKeyLen), []byte("v")},
		{"utf-8 key", "nodes/ci-ü/β", []byte("v")},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			put(t, s, tt.key, tt.value)

			got := get(t, s, tt.key)
			if got == nil || !bytes.Equal(got, tt.value) {
				t.Fatalf("Get %q = %q, want %q (never nil)", tt.key, got, tt.value)
			}
		})
	}
}

func testCopies(t *testing.T, s store.Store) {
	in := []byte("value")
	put(t, s, "k", in)

	// Change what was put, what Get returned and what List returned: the
	// stored value must not follow any of them.
	in[0] = 'X'
	got := get(t, s, "k")
	got[0] = 'Y'
	entries, err := s.List(t.Context(), "k")
	if err != nil || len(entries) != 1 {
		t.Fatalf("List: %v, %d entries, want 1", err, len(entries))
	}
	entries[0].Value[0] = 'Z'

	wantValue(t, s, "k", "value")
}

func testDelete(t *testing.T, s store.Store) {
	put(t, s, "k", []byte("v"))

	if err := s.Delete(t.Context(), "k"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantMissing(t, s, "k")

	if err := s.Delete(t.Context(), "k"); err != nil {
		t.Fatalf("Delete of a missing key: got %v, want nil", err)
	}
}

func testList(t *testing.T, s store.Store) {
	for _, key := range []string{"b/1", "a/2", "ab", "a/10", "a", "a/1", "a0"} {
		put(t, s, key, []byte("v-"+key))
	}

	tests := []struct {
		name   string
		prefix string
		want   []string
	}{
		{"directory", "a/", []string{"a/1", "a/10", "a/2"}},
		{"plain prefix", "a", []string{"a", "a/1", "a/10", "a/2", "a0", "ab"}},
		{"exact key", "ab", []string{"ab"}},
		{"no match", "c/", nil},
		{"everything", "", []string{"a", "a/1", "a/10", "a/2", "a0", "ab", "b/1"}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := s.List(t.Context(), tt.prefix)
			if err != nil {
				t.Fatalf("List %q: %v", tt.prefix, err)
			}

			wantEntries(t, entries, tt.want)
		})
	}
}

func testCompareAndSwap(t *testing.T, s store.Store) {
	tests := []struct {
		name    string
		old     []byte
		new     string
		wantErr error
		want    string
	}{
		{"absent to value", nil, "1", nil, "1"},
		{"must be absent but is set", nil, "x", store.ErrConflict, "1"},
		{"wrong old", []byte("2"), "x", store.ErrConflict, "1"},
		{"empty old is not absent", []byte{}, "x", store.ErrConflict, "1"},
		{"right old", []byte("1"), "2", nil, "2"},
		{"to empty", []byte("2"), "", nil, ""},
		{"from empty", []byte{}, "3", nil, "3"},
	}

	// The cases run in order on one key, each from the state the one
	// before left.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CompareAndSwap(t.Context(), "lock", tt.old, []byte(tt.new))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CompareAndSwap(%q, %q): got %v, want %v",
					tt.old, tt.new, err, tt.wantErr)
			}

			wantValue(t, s, "lock", tt.want)
		})
	}
}

func testBatch(t *testing.T, s store.Store) {
	put(t, s, "old/1", []byte("v"))
	put(t, s, "old/2", []byte("v"))

	err := s.Batch(t.Context(), []store.Op{
		{Key: "new/1", Value: []byte("a")},
		{Key: "old/1", Delete: true},
		{Key: "new/2", Value: []byte("b")},
		{Key: "missing", Delete: true},
		{Key: "new/2", Delete: true},
		{Key: "old/2", Value: []byte("c")},
	})
	if err != nil {
		t.Fatalf("Batch: %v", err)
	}

	wantValue(t, s, "new/1", "a")
	wantMissing(t, s, "old/1")
	wantMissing(t, s, "new/2")
	wantValue(t, s, "old/2", "c")

	if err := s.Batch(t.Context(), nil); err != nil {
		t.Fatalf("empty Batch: %v", err)
	}
}

func testBatchBadKey(t *testing.T, s store.Store) {
	put(t, s, "keep", []byte("v"))

	err := s.Batch(t.Context(), []store.Op{
		{Key: "new", Value: []byte("a")},
		{Key: "keep", Delete: true},
		{Key: "bad\x00key", Value: []byte("b")},
	})
	if !errors.Is(err, store.ErrBadKey) {
		t.Fatalf("Batch with a bad key: got %v, want ErrBadKey", err)
	}

	wantMissing(t, s, "new")
	wantValue(t, s, "keep", "v")
}

func testBadKeys(t *testing.T, s store.Store) {
	tests := []struct {
		name     string
		key      string
		isPrefix bool // also a bad List prefix
	}{
		{"empty", "", false},
		{"NUL", "a\x00b", true},
		{"invalid UTF-8", "a\xffb", true},
		{"too long", strings.Repeat("k", store.MaxKeyLen+1), true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range calls(tt.key) {
				if c.name == "list" && !tt.isPrefix {
					continue
				}
				err := c.do(t.Context(), s)
				if !errors.Is(err, store.ErrBadKey) {
					t.Errorf("%s: got %v, want ErrBadKey", c.name, err)
				}
			}
		})
	}
}

func testClosed(t *testing.T, s store.Store) {
	put(t, s, "k", []byte("v"))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	for _, c := range calls("k") {
		if err := c.do(t.Context(), s); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: got %v, want ErrClosed", c.name, err)
		}
	}

	if err := s.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
}

func testCancelled(t *testing.T, s store.Store) {
	put(t, s, "k", []byte("before"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	for _, c := range calls("k") {
		if err := c.do(ctx, s); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: got %v, want context.Canceled",
				c.name, err)
		}
	}

	wantValue(t, s, "k", "before")
}

func testConcurrentPuts(t *testing.T, s store.Store) {
	const writers, each = 8, 50
	ctx := t.Context()
	errs := make(chan error, writers*each)

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				key := fmt.Sprintf("w%d/%03d", w, i)
				errs <- s.Put(ctx, key, []byte(key))
			}
		})
	}
	wg.Wait()
	close(errs)

	for err := range errs {
		if err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	entries, err := s.List(t.Context(), "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(entries) != writers*each {
		t.Fatalf("List after concurrent Puts: %d entries, want %d",
			len(entries), writers*each)
	}
	for _, e := range entries {
		if string(e.Value) != e.Key {
			t.Errorf("%s = %q, want %q", e.Key, e.Value, e.Key)
		}
	}
}

// testConcurrentCompareAndSwap has writers race to increment one counter;
// if a swap were not atomic, increments would be lost.
func testConcurrentCompareAndSwap(t *testing.T, s store.Store) {
	const writers, each = 8, 25
	ctx := t.Context()
	errs := make(chan error, writers)

	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				if err := increment(ctx, s, "counter"); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)

	for err := range errs {
		t.Fatalf("increment: %v", err)
	}
	wantValue(t, s, "counter", fmt.Sprint(writers*each))
}

// increment adds one to the decimal counter at key, retrying on conflict.
func increment(ctx context.Context, s store.Store, key string) error {
	for {
		old, err := s.Get(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			old = nil
		} else if err != nil {
			return err
		}

		var n int
		if old != nil {
			if _, err := fmt.Sscan(string(old), &n); err != nil {
				return fmt.Errorf("counter %q: %w", old, err)
			}
		}

		err = s.CompareAndSwap(ctx, key, old, []byte(fmt.Sprint(n+1)))
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
}

// call is one Store method bound to a key, for the checks that every
// method shares.
type call struct {
	name string
	do   func(ctx context.Context, s store.Store) error
}

func calls(key string) []call {
	value := []byte("v")
	return []call{
		{"get", func(ctx context.Context, s store.Store) error {
			_, err := s.Get(ctx, key)
			return err
		}},
		{"put", func(ctx context.Context, s store.Store) error {
			return s.Put(ctx, key, value)
		}},
		{"delete", func(ctx context.Context, s store.Store) error {
			return s.Delete(ctx, key)
		}},
		{"list", func(ctx context.Context, s store.Store) error {
			_, err := s.List(ctx, key)
			return err
		}},
		{"compare and swap", func(ctx context.Context, s store.Store) error {
			return s.CompareAndSwap(ctx, key, value, []byte("w"))
		}},
		{"batch", func(ctx context.Context, s store.Store) error {
			return s.Batch(ctx, []store.Op{{Key: key, Value: value}})
		}},
	}
}

func put(t *testing.T, s store.Store, key string, value []byte) {
	t.Helper()

	if err := s.Put(t.Context(), key, value); err != nil {
		t.Fatalf("Put %q: %v", key, err)
	}
}

func get(t *testing.T, s store.Store, key string) []byte {
	t.Helper()

	value, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get %q: %v", key, err)
	}

	return value
}

func wantValue(t *testing.T, s store.Store, key, want string) {
	t.Helper()

	if got := get(t, s, key); string(got) != want {
		t.Fatalf("Get %q = %q, want %q", key, got, want)
	}
}

func wantMissing(t *testing.T, s store.Store, key string) {
	t.Helper()

	if _, err := s.Get(t.Context(), key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get %q: got %v, want ErrNotFound", key, err)
	}
}

func wantEntries(t *testing.T, entries []store.Entry, keys []string) {
	t.Helper()

	got := make([]string, len(entries))
	for i, e := range entries {
		got[i] = e.Key
		if string(e.Value) != "v-"+e.Key {
			t.Errorf("entry %s = %q, want %q", e.Key, e.Value, "v-"+e.Key)
		}
	}
	if !slices.Equal(got, keys) {
		t.Fatalf("keys %q, want %q", got, keys)
	}
}
