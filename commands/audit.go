package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"
)

// AuditEntry records one action: who asked for what, where, and how it
// ended.
type AuditEntry struct {
	At         time.Time `json:"at"`
	Who        string    `json:"who"`
	Nick       string    `json:"nick"`
	Account    string    `json:"account,omitempty"`
	Via        string    `json:"via"`
	Maintainer string    `json:"maintainer,omitempty"`
	Command    string    `json:"command"`
	Args       string    `json:"args,omitempty"`
	Target     string    `json:"target"`
	Private    bool      `json:"private"`
	Outcome    string    `json:"outcome"`
	Error      string    `json:"error,omitempty"`
	Duration   string    `json:"duration,omitempty"`
}

// Putter is the one store method the audit trail needs. It returns an
// error when the value was not stored.
type Putter interface {
	Put(ctx context.Context, key string, value []byte) error
}

// AuditPrefix is the store prefix of audit entries; keys sort by time.
const AuditPrefix = "audit/"

// Audit writes audit entries to a store.
type Audit struct {
	store Putter
	seq   atomic.Uint64
}

// NewAudit returns an audit trail kept in store.
func NewAudit(store Putter) *Audit {
	return &Audit{store: store}
}

// Key returns a new key for an entry made at t; keys of one process never
// collide, and they sort by time.
func (a *Audit) Key(t time.Time) string {
	return fmt.Sprintf("%s%s-%06d", AuditPrefix,
		t.UTC().Format("20060102T150405.000000000Z"), a.seq.Add(1)%1000000)
}

// Record stores e under key; recording again under the same key replaces
// the entry, which is how an action's outcome follows its start.
func (a *Audit) Record(ctx context.Context, key string, e AuditEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode audit entry: %w", err)
	}
	if err := a.store.Put(ctx, key, data); err != nil {
		return fmt.Errorf("record audit entry %s: %w", key, err)
	}
	return nil
}
