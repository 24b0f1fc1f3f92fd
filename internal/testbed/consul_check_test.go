package testbed

import (
	"net/http"
	"testing"
	"time"
)

// healthIndex returns the catalog's index of health checks, as a blocking
// query on them sees it.
func healthIndex(t *testing.T, c *Consul) string {
	t.Helper()

	resp, err := c.client.Get("http://" + c.Addr + "/v1/health/state/any")
	if err != nil {
		t.Fatalf("reading checks: %v", err)
	}
	defer resp.Body.Close()

	index := resp.Header.Get("X-Consul-Index")
	if index == "" {
		t.Fatal("the answer has no X-Consul-Index")
	}
	return index
}

// checkedNode is dm-1, on kernel 5.10, with check as its only check.
func checkedNode(check ConsulCheck) ConsulNode {
	return ConsulNode{Name: "dm-1", Meta: map[string]string{"kernel": "5.10"}, Checks: []ConsulCheck{check}}
}

// nodeState reads what the catalog holds of dm-1 and its disk check.
func nodeState(t *testing.T, c *Consul) (meta, status, output string) {
	t.Helper()

	var node struct {
		Node struct{ Meta map[string]string }
	}
	if err := c.call(http.MethodGet, "/v1/catalog/node/dm-1", nil, &node); err != nil {
		t.Fatalf("reading dm-1: %v", err)
	}
	var checks []struct{ CheckID, Status, Output string }
	if err := c.call(http.MethodGet, "/v1/health/node/dm-1", nil, &checks); err != nil {
		t.Fatalf("reading the checks of dm-1: %v", err)
	}
	if len(checks) != 1 || checks[0].CheckID != "disk" {
		t.Fatalf("checks of dm-1 = %+v, want only disk", checks)
	}
	return node.Node.Meta["kernel"], checks[0].Status, checks[0].Output
}

func TestConsulSetCheck(t *testing.T) {
	c := StartConsul(t, ConsulOptions{})
	disk := ConsulCheck{ID: "disk", Name: "disk", Status: "passing"}
	c.Register(t, checkedNode(disk))

	// The same state again moves nothing.
	before := healthIndex(t, c)
	c.SetCheck(t, "dm-1", disk)
	if after := healthIndex(t, c); after != before {
		t.Fatalf("writing an unchanged check moved the index from %s to %s", before, after)
	}

	c.SetCheck(t, "dm-1", ConsulCheck{ID: "disk", Name: "disk", Status: "critical", Output: "full"})
	meta, status, output := nodeState(t, c)
	if meta != "5.10" || status != "critical" || output != "full" {
		t.Fatalf("dm-1 has kernel %q and disk %s %q; want 5.10 and critical \"full\"",
			meta, status, output)
	}
}

func TestConsulTouchCheck(t *testing.T) {
	c := StartConsul(t, ConsulOptions{})
	disk := ConsulCheck{ID: "disk", Name: "disk", Status: "warning", Output: "80%"}
	c.Register(t, checkedNode(disk))

	before := healthIndex(t, c)
	c.TouchCheck(t, "dm-1", disk, 10*time.Second)
	if after := healthIndex(t, c); after == before {
		t.Fatalf("touching a check left the index at %s", before)
	}
	meta, status, output := nodeState(t, c)
	if meta != "5.10" || status != "warning" || output != "80%" {
		t.Fatalf("dm-1 has kernel %q and disk %s %q after a touch; want it as registered",
			meta, status, output)
	}
}
