package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxKeyLen is the longest key, in bytes, that a Store accepts.
const MaxKeyLen = 512

// Errors a Store returns. Callers match them with errors.Is, since most
// come wrapped with the key they concern.
var (
	// ErrNotFound means the key has no value.
	ErrNotFound = errors.New("store: not found")

	// ErrConflict means a compare-and-swap found a value other than the
	// one expected.
	ErrConflict = errors.New("store: conflict")

	// ErrClosed means the Store was used after Close.
	ErrClosed = errors.New("store: closed")

	// ErrBadKey means a key or prefix is empty where it must not be, is
	// not valid UTF-8, holds a NUL byte or is longer than MaxKeyLen.
	ErrBadKey = errors.New("store: bad key")
)

// Store is durable key-value state. Keys are slash-separated paths such as
// "audit/20261203T101010.000000001Z"; values are opaque bytes.
//
// Every method returns ctx.Err() without doing anything when ctx is
// already done, ErrClosed after Close, and an error wrapping ErrBadKey for
// a key that is not valid. A Store is safe for concurrent use. Values a
// Store returns are the caller's to keep and change; values passed in may
// be changed by the caller once the call returns.
type Store interface {
	// Get returns the value of key, or an error wrapping ErrNotFound when
	// key has none. A stored empty value comes back as a non-nil empty
	// slice.
	Get(ctx context.Context, key string) ([]byte, error)

	// Put sets the value of key, replacing any value it had.
	Put(ctx context.Context, key string, value []byte) error

	// Delete removes key. Deleting a key that has no value returns nil.
	Delete(ctx context.Context, key string) error

	// List returns the entries whose keys start with prefix, sorted by
	// key. An empty prefix lists everything; no match is an empty result
	// and no error. A prefix is a plain string prefix: "a/" does not
	// match "ab".
	List(ctx context.Context, prefix string) ([]Entry, error)

	// CompareAndSwap sets key to new only if its current value equals
	// old. A nil old means key must have no value; a non-nil empty old
	// means its value must be empty. Otherwise it returns an error
	// wrapping ErrConflict and changes nothing.
	CompareAndSwap(ctx context.Context, key string, old, new []byte) error

	// Batch applies ops in order, all or nothing: when it returns an
	// error, for example ErrBadKey for any one op, none of them was
	// applied. An empty batch does nothing.
	Batch(ctx context.Context, ops []Op) error

	// Close releases the Store. Calls after Close return ErrClosed;
	// Close itself may be called again and then returns nil.
	Close() error
}

// Entry is one key and its value, as List returns them.
type Entry struct {
	Key   string
	Value []byte
}

// Op is one change in a Batch: set Key to Value, or remove Key when Delete
// is true (Value is then ignored).
type Op struct {
	Key    string
	Value  []byte
	Delete bool
}

// checkKey returns an error wrapping ErrBadKey when key is not a valid key.
func checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrBadKey)
	}

	return checkPrefix(key)
}

// checkPrefix checks a List prefix: the rules of a key, except that it may
// be empty.
func checkPrefix(prefix string) error {
	switch {
	case len(prefix) > MaxKeyLen:
		return fmt.Errorf("%w %q: longer than %d bytes",
			ErrBadKey, shorten(prefix), MaxKeyLen)
	case !utf8.ValidString(prefix):
		return fmt.Errorf("%w %q: not valid UTF-8", ErrBadKey, prefix)
	case strings.IndexByte(prefix, 0) >= 0:
		return fmt.Errorf("%w %q: contains a NUL byte", ErrBadKey, prefix)
	}

	return nil
}

// checkOps checks every key of a batch before any of it is applied.
func checkOps(ops []Op) error {
	for i, op := range ops {
		if err := checkKey(op.Key); err != nil {
			return fmt.Errorf("batch op %d: %w", i, err)
		}
	}

	return nil
}

// shorten keeps an overlong key readable in an error message.
func shorten(key string) string {
	const keep = 40
	if len(key) <= keep {
		return key
	}

	return key[:keep] + "..."
}

// matches reports whether a compare-and-swap that expects old may replace
// current, which present says exists.
func matches(current []byte, present bool, old []byte) bool {
	if old == nil {
		return !present
	}

	return present && bytes.Equal(current, old)
}

// clone returns a copy of b that is never nil, so an empty stored value
// and a missing one stay apart.
func clone(b []byte) []byte {
	return append([]byte{}, b...)
}
