package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

var _ Store = (*Memory)(nil)

// Memory is a Store held in memory, for tests of the packages that use a
// Store. It has Bolt's semantics and errors but keeps nothing across
// restarts. The zero value is an empty Memory ready for use.
type Memory struct {
	mu     sync.Mutex
	values map[string][]byte
	closed bool
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{}
}

// Get returns a copy of the value of key; see Store.
func (m *Memory) Get(ctx context.Context, key string) ([]byte, error) {
	if err := start(ctx, checkKey(key)); err != nil {
		return nil, err
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}

	value, ok := m.values[key]
	if !ok {
		return nil, fmt.Errorf("get %q: %w", key, ErrNotFound)
	}

	return clone(value), nil
}

// Put sets the value of key to a copy of value; see Store.
func (m *Memory) Put(ctx context.Context, key string, value []byte) error {
	return m.Batch(ctx, []Op{{Key: key, Value: value}})
}

// Delete removes key; see Store.
func (m *Memory) Delete(ctx context.Context, key string) error {
	return m.Batch(ctx, []Op{{Key: key, Delete: true}})
}

// List returns copies of the entries under prefix, sorted by key; see
// Store.
func (m *Memory) List(ctx context.Context, prefix string) ([]Entry, error) {
	if err := start(ctx, checkPrefix(prefix)); err != nil {
		return nil, err
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}

	var entries []Entry
	for key, value := range m.values {
		if strings.HasPrefix(key, prefix) {
			entries = append(entries, Entry{Key: key, Value: clone(value)})
		}
	}
	slices.SortFunc(entries, func(a, b Entry) int {
		return strings.Compare(a.Key, b.Key)
	})

	return entries, nil
}

// CompareAndSwap sets key to a copy of new if its value is old; see Store.
func (m *Memory) CompareAndSwap(ctx context.Context, key string, old, new []byte) error {
	if err := start(ctx, checkKey(key)); err != nil {
		return err
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}

	current, ok := m.values[key]
	if !matches(current, ok, old) {
		return fmt.Errorf("compare and swap %q: %w", key, ErrConflict)
	}
	m.set(key, new)

	return nil
}

// Batch applies ops under one lock, after checking all of them; see Store.
func (m *Memory) Batch(ctx context.Context, ops []Op) error {
	if err := start(ctx, checkOps(ops)); err != nil {
		return err
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}

	for _, op := range ops {
		if op.Delete {
			delete(m.values, op.Key)
			continue
		}
		m.set(op.Key, op.Value)
	}

	return nil
}

// Close drops the values; see Store.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()

	m.closed = true
	m.values = nil

	return nil
}

// set stores a copy of value; the caller holds m.mu.
func (m *Memory) set(key string, value []byte) {
	if m.values == nil {
		m.values = make(map[string][]byte)
	}
	m.values[key] = clone(value)
}

// start returns the error that stops a call before it begins: a bad key
// first, then a done ctx.
func start(ctx context.Context, keyErr error) error {
	if keyErr != nil {
		return keyErr
	}

	return ctx.Err()
}
