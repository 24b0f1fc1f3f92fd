package alerts

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/store"
)

// Store keys of the silences: silence NAME is under "silence/NAME", and
// the last ID given under silenceSeqKey, so that an ID is never given
// twice, even after its silence was forgotten.
const (
	SilencePrefix = "silence/"
	silenceSeqKey = "alerts/silence-seq"
)

// Silences gives the silences in force to the engine. *SilenceBook
// implements it.
type Silences interface {
	// Load reads the silences from where they are kept. The engine calls
	// it once, before it takes in the first snapshot; its errors are the
	// store's, and the engine goes on without silences then.
	Load(ctx context.Context) error

	// Active returns the silences in force at now. It does no I/O: the
	// engine calls it under its lock.
	Active(now time.Time) []commands.Silence

	// Changed receives a value after silences were added or ended, so
	// that the engine takes them in at once.
	Changed() <-chan struct{}
}

// SilenceKV is what a SilenceBook needs of the store. *store.Bolt and
// *store.Memory implement it; errors are the store's.
type SilenceKV interface {
	Get(ctx context.Context, key string) ([]byte, error)
	List(ctx context.Context, prefix string) ([]store.Entry, error)
	Batch(ctx context.Context, ops []store.Op) error
}

// SilenceBook keeps the silences in the store and a copy in memory, which
// the engine reads without I/O. The silence commands write through it.
// It is safe for concurrent use.
type SilenceBook struct {
	kv      SilenceKV
	changed chan struct{}
	now     func() time.Time

	mu     sync.Mutex
	loaded bool
	seq    int // the last ID given
	all    map[string]commands.Silence
}

var (
	_ commands.Silencer = (*SilenceBook)(nil)
	_ Silences          = (*SilenceBook)(nil)
)

// NewSilenceBook returns a book kept in kv. It reads kv on first use.
func NewSilenceBook(kv SilenceKV) *SilenceBook {
	return &SilenceBook{kv: kv, changed: make(chan struct{}, 1), now: time.Now,
		all: map[string]commands.Silence{}}
}

// Load reads the silences and the last ID given from the store, and
// forgets the silences that ended, there too.
func (b *SilenceBook) Load(ctx context.Context) error {
	entries, err := b.kv.List(ctx, SilencePrefix)
	if err != nil {
		return fmt.Errorf("read silences: %w", err)
	}
	seq, err := b.readSeq(ctx)
	if err != nil {
		return err
	}

	// A silence that cannot be read is an error rather than skipped: a
	// check announced while people believe it muted is worse than a
	// start that says why.
	all := make(map[string]commands.Silence, len(entries))
	for _, e := range entries {
		var s commands.Silence
		if err := json.Unmarshal(e.Value, &s); err != nil {
			return fmt.Errorf("decode silence %s: %w", e.Key, err)
		}
		all[s.ID] = s
		if n, err := strconv.Atoi(s.ID); err == nil {
			seq = max(seq, n)
		}
	}

	b.mu.Lock()
	b.all, b.seq, b.loaded = all, seq, true
	b.mu.Unlock()

	signal(b.changed)
	if ops := b.takeEnded(b.now()); len(ops) > 0 {
		if err := b.kv.Batch(ctx, ops); err != nil {
			return fmt.Errorf("forget ended silences: %w", err)
		}
	}
	return nil
}

// readSeq returns the last ID given, 0 when none was.
func (b *SilenceBook) readSeq(ctx context.Context) (int, error) {
	v, err := b.kv.Get(ctx, silenceSeqKey)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read last silence id: %w", err)
	}

	n, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, fmt.Errorf("decode last silence id %q: %w", v, err)
	}
	return n, nil
}

// ensure loads the book unless it is loaded.
func (b *SilenceBook) ensure(ctx context.Context) error {
	b.mu.Lock()
	loaded := b.loaded
	b.mu.Unlock()
	if loaded {
		return nil
	}
	return b.Load(ctx)
}

// AddSilence gives s the next ID and stores it, with the ID as the last
// given, in one write that also forgets the silences that ended.
func (b *SilenceBook) AddSilence(ctx context.Context, s commands.Silence) (commands.Silence, error) {
	if err := b.ensure(ctx); err != nil {
		return s, err
	}

	// The ID is taken under the lock and the write done without it; an
	// ID lost to a failed write is skipped, never given twice.
	b.mu.Lock()
	b.seq++
	s.ID = strconv.Itoa(b.seq)
	b.mu.Unlock()

	data, err := json.Marshal(s)
	if err != nil {
		return s, fmt.Errorf("encode silence %s: %w", s.ID, err)
	}
	ops := []store.Op{
		{Key: SilencePrefix + s.ID, Value: data},
		{Key: silenceSeqKey, Value: []byte(s.ID)},
	}
	if err := b.kv.Batch(ctx, append(ops, b.takeEnded(b.now())...)); err != nil {
		return s, fmt.Errorf("store silence %s: %w", s.ID, err)
	}

	b.mu.Lock()
	b.all[s.ID] = s
	b.mu.Unlock()
	signal(b.changed)
	return s, nil
}

// Silences returns the silences in force at now, the soonest to end
// first.
func (b *SilenceBook) Silences(ctx context.Context, now time.Time) ([]commands.Silence, error) {
	if err := b.ensure(ctx); err != nil {
		return nil, err
	}
	return b.Active(now), nil
}

// EndSilence ends the silence id now, and forgets it in the store.
func (b *SilenceBook) EndSilence(ctx context.Context, id string) (commands.Silence, error) {
	if err := b.ensure(ctx); err != nil {
		return commands.Silence{}, err
	}

	b.mu.Lock()
	s, ok := b.all[id]
	b.mu.Unlock()
	if !ok || !b.now().Before(s.Until) {
		return commands.Silence{}, fmt.Errorf("silence %q: %w", id, commands.ErrNoSilence)
	}

	if err := b.kv.Batch(ctx, []store.Op{{Key: SilencePrefix + id, Delete: true}}); err != nil {
		return s, fmt.Errorf("delete silence %s: %w", id, err)
	}
	b.mu.Lock()
	delete(b.all, id)
	b.mu.Unlock()
	signal(b.changed)
	return s, nil
}

// Active returns the silences in force at now, the soonest to end
// first; none before the book is loaded.
func (b *SilenceBook) Active(now time.Time) []commands.Silence {
	b.mu.Lock()
	defer b.mu.Unlock()

	var out []commands.Silence
	for _, s := range b.all {
		if now.Before(s.Until) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(x, y commands.Silence) int {
		return cmp.Or(x.Until.Compare(y.Until), compareIDs(x.ID, y.ID))
	})
	return out
}

// compareIDs orders IDs as numbers: 9 before 10.
func compareIDs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// Changed receives a value after a change; the engine is its one reader.
func (b *SilenceBook) Changed() <-chan struct{} {
	return b.changed
}

// takeEnded forgets in memory the silences that ended before now, and
// returns the store operations that forget them there. Should those fail,
// the silences stay in the store, where they mute nothing, until the next
// write or load.
func (b *SilenceBook) takeEnded(now time.Time) []store.Op {
	b.mu.Lock()
	defer b.mu.Unlock()

	var ops []store.Op
	for id, s := range b.all {
		if !now.Before(s.Until) {
			ops = append(ops, store.Op{Key: SilencePrefix + id, Delete: true})
			delete(b.all, id)
		}
	}
	return ops
}
