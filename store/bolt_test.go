package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/store"
	"github.com/gordonbot/gordon/store/storetest"
)

func TestBolt(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openBolt(t, filepath.Join(t.TempDir(), "gordon.db"))
	})
}

func TestBoltReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gordon.db")
	b := openBolt(t, path)
	if err := b.Put(t.Context(), "upgrades/42", []byte("batch 3 of 7")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	b = openBolt(t, path)
	got, err := b.Get(t.Context(), "upgrades/42")
	if err != nil || string(got) != "batch 3 of 7" {
		t.Fatalf("Get after reopen = %q, %v; want %q", got, err, "batch 3 of 7")
	}
}

func TestBoltFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gordon.db")
	openBolt(t, path)

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Fatalf("file mode %v, want 0600", mode)
	}
}

func TestBoltLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gordon.db")
	openBolt(t, path)

	begin := time.Now()
	second, err := store.OpenBolt(path)
	waited := time.Since(begin)
	if err == nil {
		_ = second.Close()
		t.Fatal("second OpenBolt on an open file succeeded, want ErrLocked")
	}

	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("second OpenBolt: got %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "locked") {
		t.Errorf("error %q does not name the file and the lock", err)
	}
	// Not a timing assertion, a guard against waiting for the lock forever.
	if waited > 10*store.OpenTimeout {
		t.Errorf("second OpenBolt took %s to give up", waited)
	}
}

func TestOpenBoltMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "gordon.db")

	_, err := store.OpenBolt(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenBolt in a missing directory: got %v, want an error naming %s",
			err, path)
	}
}

func openBolt(t *testing.T, path string) *store.Bolt {
	t.Helper()

	b, err := store.OpenBolt(path)
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })

	return b
}
