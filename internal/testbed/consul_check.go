package testbed

import (
	"net/http"
	"testing"
	"time"
)

// checkWrite is the body of /v1/catalog/register that writes checks of a
// node already in the catalog, leaving its address, metadata and services
// as they are.
type checkWrite struct {
	Node           string
	SkipNodeUpdate bool
	Checks         []definedCheck
}

// definedCheck is a catalog check with a definition, which a health
// listing shows apart from the check's state.
type definedCheck struct {
	catalogCheck
	Definition checkDefinition
}

type checkDefinition struct {
	Interval string `json:",omitempty"`
}

// SetCheck writes check on the catalog node named node in one request, as
// a node's agent would report a new state: its status, output and notes
// replace those the check had, and the node is left as it was. Writing a
// check again with nothing changed leaves the catalog's index where it
// was, so it wakes no blocking query.
func (c *Consul) SetCheck(t testing.TB, node string, check ConsulCheck) {
	t.Helper()
	c.writeCheck(t, node, check, 0)
}

// TouchCheck writes check on node with interval as the interval of its
// definition. The catalog's index of checks moves, and so every blocking
// query on health wakes, while the check's status, output and notes stay
// as they were: a change a health watch should see through. Give a
// different interval each time, or nothing moves.
func (c *Consul) TouchCheck(t testing.TB, node string, check ConsulCheck, interval time.Duration) {
	t.Helper()
	c.writeCheck(t, node, check, interval)
}

// writeCheck sends the registration of SetCheck and TouchCheck.
func (c *Consul) writeCheck(t testing.TB, node string, check ConsulCheck, interval time.Duration) {
	t.Helper()

	written := definedCheck{catalogCheck: catalogCheck{
		Node: node, CheckID: check.ID, Name: check.Name, Status: check.Status,
		Output: check.Output, Notes: check.Notes, ServiceID: check.ServiceID,
	}}
	if interval > 0 {
		written.Definition.Interval = interval.String()
	}

	body := checkWrite{Node: node, SkipNodeUpdate: true, Checks: []definedCheck{written}}
	if err := c.call(http.MethodPut, "/v1/catalog/register", body, nil); err != nil {
		t.Fatalf("writing check %s of node %s: %v", check.ID, node, err)
	}
}
