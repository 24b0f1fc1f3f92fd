package followup

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gordonbot/gordon/commands"
)

// Prefix is the store prefix of follow-ups. A follow-up's key is the
// prefix and its queue item id, zero-padded so that keys sort by id.
const Prefix = "followup/"

// State is where a followed build is.
type State string

// The states of an open follow-up. A follow-up whose build ended is
// deleted, so it has no state of its own.
const (
	StateQueued  State = "queued"
	StateRunning State = "running"
)

// Record is one follow-up as it is stored: who asked, where the lines
// go, and what is known of the build so far.
type Record struct {
	Job     string `json:"job"`
	QueueID int64  `json:"queue_id"`
	PR      int    `json:"pr,omitempty"`
	On      string `json:"on,omitempty"`

	Who     string `json:"who"`
	Nick    string `json:"nick"`
	Target  string `json:"target"`
	Private bool   `json:"private,omitempty"`

	State State     `json:"state"`
	Asked time.Time `json:"asked"`

	// Build, URL, Node and Started are known once the build started.
	Build   int64     `json:"build,omitempty"`
	URL     string    `json:"url,omitempty"`
	Node    string    `json:"node,omitempty"`
	Started time.Time `json:"started,omitzero"`

	// Updated is when the record was last written.
	Updated time.Time `json:"updated"`
}

// recordOf makes the record of a new follow-up.
func recordOf(f commands.Followup, now time.Time) Record {
	asked := f.Asked
	if asked.IsZero() {
		asked = now
	}
	return Record{
		Job: f.Job, QueueID: f.QueueID, PR: f.PR, On: f.On,
		Who: f.Who, Nick: f.Nick, Target: f.Target, Private: f.Private,
		State: StateQueued, Asked: asked.UTC(), Updated: now.UTC(),
	}
}

// Key returns the store key of the follow-up of queue item id.
func Key(id int64) string {
	return fmt.Sprintf("%s%012d", Prefix, id)
}

// check returns why a record read from the store cannot be followed, or
// nil.
func (r Record) check() error {
	switch {
	case r.QueueID <= 0:
		return fmt.Errorf("queue id %d", r.QueueID)
	case r.Job == "":
		return fmt.Errorf("no job")
	case r.Target == "":
		return fmt.Errorf("no target")
	case r.State != StateQueued && r.State != StateRunning:
		return fmt.Errorf("state %q", r.State)
	case r.State == StateRunning && r.Build <= 0:
		return fmt.Errorf("running without a build number")
	}
	return nil
}

// encode writes the record as JSON.
func (r Record) encode() []byte {
	data, err := json.Marshal(r)
	if err != nil {
		// A Record has only strings, numbers, booleans and times.
		panic("followup: encoding a record: " + err.Error())
	}
	return data
}

// save writes r, stamped with now.
func (e *Engine) save(ctx context.Context, r Record) error {
	r.Updated = e.now().UTC()
	if err := e.store.Put(ctx, Key(r.QueueID), r.encode()); err != nil {
		return fmt.Errorf("store follow-up of queue item %d: %w", r.QueueID, err)
	}
	return nil
}

// load reads every stored follow-up. A value that does not decode, or
// makes no sense, is logged and left where it is.
func (e *Engine) load(ctx context.Context) ([]Record, error) {
	entries, err := e.store.List(ctx, Prefix)
	if err != nil {
		return nil, fmt.Errorf("list follow-ups: %w", err)
	}

	recs := make([]Record, 0, len(entries))
	for _, ent := range entries {
		var r Record
		err := json.Unmarshal(ent.Value, &r)
		if err == nil {
			err = r.check()
		}
		if err == nil && ent.Key != Key(r.QueueID) {
			err = fmt.Errorf("stored under %s, not %s", ent.Key, Key(r.QueueID))
		}
		if err != nil {
			e.log.Error("follow-up record unreadable; skipped", keyKey, ent.Key, keyError, err)
			continue
		}
		recs = append(recs, r)
	}
	return recs, nil
}
