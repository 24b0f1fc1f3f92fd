package fleet

import "context"

// MaintSource gives gordon's own maintenance records, which the inventory
// shows beside what Consul says. *MaintBook implements it.
type MaintSource interface {
	// MaintRecords returns each node's latest record, by node name. Its
	// errors are the store's, wrapped with what it was reading.
	MaintRecords(ctx context.Context) (map[string]MaintRecord, error)
}

// WithMaint returns a copy of inv that also reads gordon's maintenance
// records from src: a node that gordon's record has in maintenance counts
// as in maintenance, even when its agent, which gordon could not reach,
// does not say so.
func (inv *Inventory) WithMaint(src MaintSource) *Inventory {
	out := *inv
	out.maint = src
	return &out
}

// addRecords sets the Record of each node gordon has one for. Without a
// MaintSource it does nothing.
func (inv *Inventory) addRecords(ctx context.Context, nodes []Node) error {
	if inv.maint == nil {
		return nil
	}

	recs, err := inv.maint.MaintRecords(ctx)
	if err != nil {
		return err
	}
	for i := range nodes {
		if r, ok := recs[nodes[i].Name]; ok {
			nodes[i].Record = &r
		}
	}
	return nil
}

// recordView returns r made fit for a reply, its reason shortened and
// redacted with clean; nil for nil.
func recordView(r *MaintRecord, clean func(string) string) *MaintRecord {
	if r == nil {
		return nil
	}
	v := *r
	v.Reason = clean(v.Reason)
	return &v
}
