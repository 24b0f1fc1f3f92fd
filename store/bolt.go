package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// OpenTimeout is how long OpenBolt waits for the file lock that another
// process holds before it gives up.
const OpenTimeout = time.Second

// ErrLocked means another process, most likely a second gordon, holds the
// bbolt file open.
var ErrLocked = errors.New("store: file is locked by another process")

// bucket holds all of gordon's keys; the keys carry their own hierarchy.
var bucket = []byte("gordon")

var _ Store = (*Bolt)(nil)

// Bolt is a Store in one bbolt file. Every write is a transaction that is
// synced to disk before the method returns.
type Bolt struct {
	db *bolt.DB
}

// OpenBolt opens the bbolt file at path, creating it with mode 0600 when
// missing. When another process holds the file it fails after OpenTimeout
// with an error wrapping ErrLocked instead of waiting for it.
func OpenBolt(path string) (*Bolt, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: OpenTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w (gave up after %s)",
			path, ErrLocked, OpenTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}

	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open store %s: create bucket: %w", path, err)
	}

	return &Bolt{db: db}, nil
}

// Get returns a copy of the value of key; see Store.
func (b *Bolt) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}

	var value []byte
	err := b.view(ctx, func(bk *bolt.Bucket) error {
		v, ok := lookup(bk, key)
		if !ok {
			return fmt.Errorf("get %q: %w", key, ErrNotFound)
		}
		value = clone(v)
		return nil
	})

	return value, err
}

// Put sets the value of key; see Store.
func (b *Bolt) Put(ctx context.Context, key string, value []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}

	return b.update(ctx, func(bk *bolt.Bucket) error {
		return wrapKey("put", key, bk.Put([]byte(key), value))
	})
}

// Delete removes key; see Store.
func (b *Bolt) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}

	return b.update(ctx, func(bk *bolt.Bucket) error {
		return wrapKey("delete", key, bk.Delete([]byte(key)))
	})
}

// List returns copies of the entries under prefix, sorted by key; see
// Store.
func (b *Bolt) List(ctx context.Context, prefix string) ([]Entry, error) {
	if err := checkPrefix(prefix); err != nil {
		return nil, err
	}

	var entries []Entry
	err := b.view(ctx, func(bk *bolt.Bucket) error {
		p := []byte(prefix)
		c := bk.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			entries = append(entries, Entry{Key: string(k), Value: clone(v)})
		}
		return nil
	})

	return entries, err
}

// CompareAndSwap sets key to new if its value is old, in one transaction;
// see Store.
func (b *Bolt) CompareAndSwap(ctx context.Context, key string, old, new []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}

	return b.update(ctx, func(bk *bolt.Bucket) error {
		current, ok := lookup(bk, key)
		if !matches(current, ok, old) {
			return fmt.Errorf("compare and swap %q: %w", key, ErrConflict)
		}
		return wrapKey("compare and swap", key, bk.Put([]byte(key), new))
	})
}

// Batch applies ops in one transaction; see Store.
func (b *Bolt) Batch(ctx context.Context, ops []Op) error {
	if err := checkOps(ops); err != nil {
		return err
	}

	return b.update(ctx, func(bk *bolt.Bucket) error {
		for _, op := range ops {
			if err := applyOp(bk, op); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close closes the file, waiting for running transactions; see Store.
func (b *Bolt) Close() error {
	if err := b.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", b.db.Path(), err)
	}

	return nil
}

// view runs fn in a read-only transaction on gordon's bucket.
func (b *Bolt) view(ctx context.Context, fn func(*bolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	err := b.db.View(func(tx *bolt.Tx) error {
		return fn(tx.Bucket(bucket))
	})

	return closedIfNotOpen(err)
}

// update runs fn in a read-write transaction on gordon's bucket and
// commits it unless fn fails.
func (b *Bolt) update(ctx context.Context, fn func(*bolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	err := b.db.Update(func(tx *bolt.Tx) error {
		return fn(tx.Bucket(bucket))
	})

	return closedIfNotOpen(err)
}

// lookup returns the value of key and whether it has one. It seeks with a
// cursor because Bucket.Get may return nil both for a missing key and for
// an empty value.
func lookup(bk *bolt.Bucket, key string) ([]byte, bool) {
	k, v := bk.Cursor().Seek([]byte(key))
	if k == nil || string(k) != key {
		return nil, false
	}

	return v, true
}

func applyOp(bk *bolt.Bucket, op Op) error {
	if op.Delete {
		return wrapKey("batch delete", op.Key, bk.Delete([]byte(op.Key)))
	}

	return wrapKey("batch put", op.Key, bk.Put([]byte(op.Key), op.Value))
}

// wrapKey adds the operation and key to a bbolt error, and keeps nil nil.
func wrapKey(op, key string, err error) error {
	if err == nil {
		return nil
	}

	return fmt.Errorf("%s %q: %w", op, key, err)
}

// closedIfNotOpen turns bbolt's error for a closed database into ErrClosed.
func closedIfNotOpen(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}

	return err
}
