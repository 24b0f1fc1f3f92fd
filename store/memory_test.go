package store_test

import (
	"testing"

	"github.com/gordonbot/gordon/store"
	"github.com/gordonbot/gordon/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		m := store.NewMemory()
		t.Cleanup(func() { _ = m.Close() })
		return m
	})
}

func TestMemoryZeroValue(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return new(store.Memory)
	})
}
