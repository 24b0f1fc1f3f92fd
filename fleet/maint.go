package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gordonbot/gordon/store"
)

// MaintPrefix is the store prefix of maintenance records: the record of
// node NAME is under "maint/NAME".
const MaintPrefix = "maint/"

// MaintRecord is gordon's record of a node's maintenance: the last time
// someone turned it on or off through gordon, who, and why.
//
// Consul's own maintenance mode lives in each node's agent, which gordon
// cannot always reach; the record is what gordon knows either way, and it
// survives a restart of gordon.
type MaintRecord struct {
	Node string `json:"node"`
	On   bool   `json:"on"`

	// Who is the person who asked, as Caller.Who names them: the services
	// account, or the nick on a server without accounts.
	Who string `json:"who"`

	// Reason is why, as the person wrote it; it may be empty.
	Reason string    `json:"reason,omitempty"`
	Since  time.Time `json:"since"`
}

// AgentNote is the reason gordon gives the node's Consul agent and its
// Jenkins agent, so that a person reading either knows who did it and
// that it went through gordon: "disk swap (alice via gordon)".
func (r MaintRecord) AgentNote() string {
	if strings.TrimSpace(r.Reason) == "" {
		return "set by " + r.Who + " via gordon"
	}
	return r.Reason + " (" + r.Who + " via gordon)"
}

// MaintKV is what a MaintBook needs of the store. *store.Bolt and
// *store.Memory implement it; errors are the store's.
type MaintKV interface {
	Batch(ctx context.Context, ops []store.Op) error
	List(ctx context.Context, prefix string) ([]store.Entry, error)
}

// MaintBook keeps gordon's maintenance records in the store. It is safe
// for concurrent use.
type MaintBook struct {
	kv MaintKV
}

// NewMaintBook returns a book kept in kv.
func NewMaintBook(kv MaintKV) *MaintBook {
	return &MaintBook{kv: kv}
}

// Record stores recs, each replacing the node's earlier record, all of
// them or none. It returns once they are stored.
func (b *MaintBook) Record(ctx context.Context, recs []MaintRecord) error {
	ops := make([]store.Op, len(recs))
	for i, r := range recs {
		data, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("encode maintenance record of %s: %w", r.Node, err)
		}
		ops[i] = store.Op{Key: MaintPrefix + r.Node, Value: data}
	}

	if err := b.kv.Batch(ctx, ops); err != nil {
		return fmt.Errorf("store maintenance records: %w", err)
	}
	return nil
}

// MaintRecords returns every node's latest record, on or off, by node
// name.
func (b *MaintBook) MaintRecords(ctx context.Context) (map[string]MaintRecord, error) {
	entries, err := b.kv.List(ctx, MaintPrefix)
	if err != nil {
		return nil, fmt.Errorf("read maintenance records: %w", err)
	}

	// A record that cannot be read is an error rather than skipped: a
	// node silently shown as out of maintenance is worse than a failed
	// listing that says why.
	recs := make(map[string]MaintRecord, len(entries))
	for _, e := range entries {
		var r MaintRecord
		if err := json.Unmarshal(e.Value, &r); err != nil {
			return nil, fmt.Errorf("decode maintenance record %s: %w", e.Key, err)
		}
		recs[strings.TrimPrefix(e.Key, MaintPrefix)] = r
	}
	return recs, nil
}
