package alerts

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/store"
)

// StateKey is the store key of what the engine announced, kept so that a
// restart neither repeats it nor misses what changed meanwhile.
const StateKey = "alerts/announced"

// stateVersion is the version of the saved state's format; a state of
// another version is not read.
const stateVersion = 1

// Timing of saving.
const (
	// saveEvery is how often, at most, the engine writes what it
	// announced: often enough that a crash repeats little, seldom enough
	// that a storm costs a few writes.
	saveEvery = 5 * time.Second

	// lastSaveTimeout bounds the write made when Run stops.
	lastSaveTimeout = 5 * time.Second
)

// StateStore keeps the engine's saved state. *store.Bolt and
// *store.Memory implement it.
type StateStore interface {
	// Get returns the value of key, or an error wrapping
	// store.ErrNotFound when there is none.
	Get(ctx context.Context, key string) ([]byte, error)

	// Put sets the value of key. Its errors are the store's.
	Put(ctx context.Context, key string, value []byte) error
}

// savedState is what the engine keeps in the store: every check that
// people were last told of as anything but passing. A check not in it
// was passing, so the state stays small in a healthy fleet. For a check
// kept quiet it is what they were told before the quiet began, so that a
// silence that ended while gordon was down is not lost: the check is then
// announced once at the start, like any change gordon did not see.
type savedState struct {
	Version int          `json:"version"`
	Checks  []savedCheck `json:"checks"`
}

// savedCheck is one check of savedState. Longer says that the check was
// failing already when gordon first watched it, so before FailedAt.
type savedCheck struct {
	Node     string    `json:"node"`
	ID       string    `json:"id"`
	Status   string    `json:"status"`
	FailedAt time.Time `json:"failed_at,omitzero"`
	Longer   bool      `json:"longer,omitempty"`
}

// loadState reads the saved state. It returns nil and no error when none
// was saved: gordon never ran here, and takes a baseline.
func (e *Engine) loadState(ctx context.Context) (map[checkKey]savedCheck, error) {
	if e.state == nil {
		return nil, nil
	}

	data, err := e.state.Get(ctx, StateKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read announced state: %w", err)
	}

	var s savedState
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("decode announced state: %w", err)
	}
	if s.Version != stateVersion {
		return nil, fmt.Errorf("announced state has version %d, want %d", s.Version, stateVersion)
	}

	saved := make(map[checkKey]savedCheck, len(s.Checks))
	for _, c := range s.Checks {
		saved[checkKey{c.Node, c.ID}] = c
	}
	return saved, nil
}

// Save writes what the engine announced, when it changed since the last
// write. It writes nothing before the first snapshot was taken in, so
// that a start that fails early keeps the state of the run before. Its
// errors are the store's.
func (e *Engine) Save(ctx context.Context) error {
	if e.state == nil {
		return nil
	}

	e.mu.Lock()
	if !e.started {
		e.mu.Unlock()
		return nil
	}
	s := e.tracker.savedState()
	e.mu.Unlock()

	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode announced state: %w", err)
	}

	e.saveMu.Lock()
	defer e.saveMu.Unlock()
	if bytes.Equal(data, e.lastSaved) {
		return nil
	}
	if err := e.state.Put(ctx, StateKey, data); err != nil {
		return fmt.Errorf("save announced state: %w", err)
	}
	e.lastSaved = data
	return nil
}

// savedState returns the checks people were not last told of as
// passing, in order.
func (t *tracker) savedState() savedState {
	s := savedState{Version: stateVersion}
	for _, st := range t.checks {
		told := st.announced
		if !st.hush.none() {
			told = st.told
		}
		if told == consul.StatusPassing {
			continue
		}
		s.Checks = append(s.Checks, savedCheck{Node: st.key.node, ID: st.key.id, Status: told,
			FailedAt: st.failedAt, Longer: st.failedLonger})
	}
	slices.SortFunc(s.Checks, func(a, b savedCheck) int {
		return cmp.Or(strings.Compare(a.Node, b.Node), strings.Compare(a.ID, b.ID))
	})
	return s
}

// saveLoop saves every saveEvery until ctx ends, then once more.
func (e *Engine) saveLoop(ctx context.Context) {
	if e.state == nil {
		return
	}

	ticker := time.NewTicker(saveEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), lastSaveTimeout)
			defer cancel()
			e.save(last)
			return
		case <-ticker.C:
			e.save(ctx)
		}
	}
}

// save saves, logging a failure: the next round tries again.
func (e *Engine) save(ctx context.Context) {
	if err := e.Save(ctx); err != nil {
		e.log.Warn("alert state not saved", keyError, err, keyRetryIn, saveEvery)
	}
}
