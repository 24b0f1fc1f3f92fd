package store_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/gordonbot/gordon/store"
)

// benchValue is about the size of a recorded build follow-up.
var benchValue = make([]byte, 256)

func BenchmarkBoltPut(b *testing.B) {
	s := openBenchBolt(b)
	ctx := b.Context()

	for i := 0; b.Loop(); i++ {
		if err := s.Put(ctx, benchKey(i), benchValue); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBoltBatch100(b *testing.B) {
	s := openBenchBolt(b)
	ctx := b.Context()
	ops := make([]store.Op, 100)

	for i := 0; b.Loop(); i++ {
		for j := range ops {
			ops[j] = store.Op{Key: benchKey(i*len(ops) + j), Value: benchValue}
		}
		if err := s.Batch(ctx, ops); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBoltGet(b *testing.B) {
	s := openBenchBolt(b)
	ctx := b.Context()
	const keys = 10000
	ops := make([]store.Op, keys)
	for i := range ops {
		ops[i] = store.Op{Key: benchKey(i), Value: benchValue}
	}
	if err := s.Batch(ctx, ops); err != nil {
		b.Fatal(err)
	}

	for i := 0; b.Loop(); i++ {
		if _, err := s.Get(ctx, benchKey(i%keys)); err != nil {
			b.Fatal(err)
		}
	}
}

func benchKey(i int) string {
	return fmt.Sprintf("webhooks/deliveries/%012d", i)
}

func openBenchBolt(b *testing.B) *store.Bolt {
	b.Helper()

	s, err := store.OpenBolt(filepath.Join(b.TempDir(), "gordon.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })

	return s
}
