package main

import (
	"context"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/internal/testbed"
)

func TestList(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-list"}, &out); err != nil {
		t.Fatalf("run -list: %v", err)
	}

	names := strings.Split(strings.TrimSpace(out.String()), ",")
	if len(names) != fleetSize || names[0] != "dm-1" || names[fleetSize-1] != "dm-24" {
		t.Fatalf("names = %v", names)
	}
}

func TestRegister(t *testing.T) {
	agent := testbed.StartConsul(t, testbed.ConsulOptions{})

	// Twice: running it again puts the same fleet back.
	for range 2 {
		var out strings.Builder
		if err := run([]string{"-consul", agent.Addr}, &out); err != nil {
			t.Fatalf("run: %v", err)
		}
	}

	c, err := consul.New(consul.Config{Address: agent.Addr})
	if err != nil {
		t.Fatalf("consul.New: %v", err)
	}
	list, err := c.Nodes(context.Background(), `Node matches "^dm-"`)
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}

	var critical, maint int
	for _, n := range list.Nodes {
		if n.Maintenance {
			maint++
		}
		for _, ch := range n.Checks {
			if ch.Status == consul.StatusCritical {
				critical++
				break
			}
		}
	}
	if len(list.Nodes) != fleetSize || critical != 4 || maint != 1 {
		t.Fatalf("%d nodes, %d with a critical check, %d in maintenance; want %d, 4, 1",
			len(list.Nodes), critical, maint, fleetSize)
	}
}

func TestUnreachable(t *testing.T) {
	addr := "127.0.0.1:1"
	err := run([]string{"-consul", addr}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("run against nothing = %v, want an error naming %s", err, addr)
	}
}
