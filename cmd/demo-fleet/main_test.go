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

func TestFailAndPass(t *testing.T) {
	agent := testbed.StartConsul(t, testbed.ConsulOptions{})
	var out strings.Builder
	if err := run([]string{"-consul", agent.Addr}, &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	c, err := consul.New(consul.Config{Address: agent.Addr})
	if err != nil {
		t.Fatal(err)
	}
	sshOf := func(node string) string {
		t.Helper()
		n, found, err := c.Node(context.Background(), node)
		if err != nil || !found {
			t.Fatalf("Node(%s): %v, %v", node, found, err)
		}
		for _, ch := range n.Checks {
			if ch.ID == flippedCheck {
				return ch.Status
			}
		}
		t.Fatalf("%s has no ssh check", node)
		return ""
	}

	if err := run([]string{"-consul", agent.Addr, "-fail", "dm-2,dm-6"}, &out); err != nil {
		t.Fatal(err)
	}
	if sshOf("dm-2") != consul.StatusCritical || sshOf("dm-6") != consul.StatusCritical || sshOf("dm-3") != consul.StatusPassing {
		t.Fatal("-fail did not turn exactly dm-2 and dm-6 critical")
	}
	if err := run([]string{"-consul", agent.Addr, "-pass", "dm-2"}, &out); err != nil {
		t.Fatal(err)
	}
	if sshOf("dm-2") != consul.StatusPassing {
		t.Fatal("-pass did not bring dm-2 back")
	}
	if err := run([]string{"-consul", agent.Addr, "-fail", "nope-1"}, &out); err == nil {
		t.Fatal("-fail of an unknown node passed")
	}
}
