package gating

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/store"
)

// prefixPRs is the store prefix of the pull request states; a key is
// the prefix, the lower-case owner/name and the number.
const prefixPRs = "gating/prs/"

// casAttempts bounds the compare-and-swap rounds of one update.
const casAttempts = 5

// prState is what gating last learned of a pull request.
type prState struct {
	Head string `json:"head"`

	// Received is when the delivery that said so arrived: a delivery
	// that arrived earlier says something older and is not acted on.
	Received time.Time `json:"received"`

	Closed bool `json:"closed,omitempty"`
}

// prStates keeps the pull request states in the store.
type prStates struct {
	store Store
}

func newPRStates(st Store) *prStates {
	return &prStates{store: st}
}

func prKey(repo string, number int) string {
	return fmt.Sprintf("%s%s/%d", prefixPRs, strings.ToLower(repo), number)
}

// get returns the state of number of repo; ok is false when gating has
// none.
func (p *prStates) get(ctx context.Context, repo string, number int) (prState, bool, error) {
	raw, err := p.store.Get(ctx, prKey(repo, number))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return prState{}, false, nil
	case err != nil:
		return prState{}, false, fmt.Errorf("read state of %s#%d: %w", repo, number, err)
	}

	var s prState
	if err := json.Unmarshal(raw, &s); err != nil {
		return prState{}, false, fmt.Errorf("decode state of %s#%d: %w", repo, number, err)
	}
	return s, true, nil
}

// advance records next as the state of number of repo, unless a
// delivery that arrived after next's already recorded a state: then it
// returns false and changes nothing. Deliveries handled out of order, or
// taken up again from the inbox, cannot undo newer ones so.
func (p *prStates) advance(ctx context.Context, repo string, number int, next prState) (bool, error) {
	key := prKey(repo, number)
	value, err := json.Marshal(next)
	if err != nil {
		return false, fmt.Errorf("encode state of %s#%d: %w", repo, number, err)
	}

	for range casAttempts {
		old, err := p.store.Get(ctx, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, fmt.Errorf("read state of %s#%d: %w", repo, number, err)
		}
		var cur prState
		if old != nil && json.Unmarshal(old, &cur) == nil && cur.Received.After(next.Received) {
			return false, nil
		}

		err = p.store.CompareAndSwap(ctx, key, old, value)
		if !errors.Is(err, store.ErrConflict) {
			if err != nil {
				return false, fmt.Errorf("record state of %s#%d: %w", repo, number, err)
			}
			return true, nil
		}
	}
	return false, fmt.Errorf("record state of %s#%d: %w", repo, number, store.ErrConflict)
}
