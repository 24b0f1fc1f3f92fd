package fleet_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
	"github.com/gordonbot/gordon/integrations/consul"
	"github.com/gordonbot/gordon/internal/testbed"
	"github.com/gordonbot/gordon/store"
)

// maintPoll bounds the wait for a client agent's change to reach the
// catalog: anti-entropy sends it at once, but a loaded machine is slow.
const maintPoll = 15 * time.Second

// maintFleet is a dev agent, a client agent standing for node-a, and
// synthetic nodes with no agent, with maint and the nodes commands over
// them.
type maintFleet struct {
	server *testbed.Consul
	api    *api.Client
	book   *fleet.MaintBook
	d      *commands.Dispatcher
	out    *lastReply

	// closed is the port the synthetic nodes' agent URLs point at, where
	// nothing listens.
	closed int
}

func startMaintFleet(t *testing.T) *maintFleet {
	t.Helper()
	t.Setenv("CONSUL_HTTP_TOKEN", "")
	t.Setenv("CONSUL_HTTP_TOKEN_FILE", "")

	f := &maintFleet{server: testbed.StartConsul(t, testbed.ConsulOptions{}), closed: testbed.FreePort(t)}
	agent := testbed.StartConsulClient(t, f.server, "node-a")
	dead := map[string]string{"agent_port": strconv.Itoa(f.closed)}
	nodes := []testbed.ConsulNode{{Name: "dm-dead", Meta: dead}}
	for i := 1; i <= 7; i++ {
		nodes = append(nodes, testbed.ConsulNode{Name: fmt.Sprintf("ci-%d", i), Meta: dead})
	}
	f.server.Register(t, nodes...)

	// Every agent here is on 127.0.0.1, so the port tells them apart: a
	// node's agent_port meta, or node-a's own HTTP port.
	_, port, err := net.SplitHostPort(agent.Addr)
	if err != nil {
		t.Fatal(err)
	}
	urls, err := fleet.ParseAgentURL(`http://{{.Address}}:{{or (index .Meta "agent_port") "` + port + `"}}`)
	if err != nil {
		t.Fatalf("ParseAgentURL: %v", err)
	}

	cc, err := consul.New(consul.Config{Address: f.server.Addr})
	if err != nil {
		t.Fatalf("consul.New: %v", err)
	}
	if f.api, err = api.NewClient(&api.Config{Address: f.server.Addr}); err != nil {
		t.Fatalf("api.NewClient: %v", err)
	}
	f.book = fleet.NewMaintBook(store.NewMemory())
	inv := fleet.NewInventory(fleet.ConsulSource{Client: cc}, cc, fleet.DefaultMetaKeys()).WithMaint(f.book)
	f.out = &lastReply{}
	f.d = maintDispatcher(inv, f.book, fleet.ConsulAgents{Agents: cc.Agents(), URL: urls}, f.out)
	return f
}

// maintDispatcher returns a dispatcher with nodes, node, maint and
// confirm, alice its maintainer, answering through out.
func maintDispatcher(inv *fleet.Inventory, book *fleet.MaintBook, agents fleet.ConsulAgents,
	out commands.Replier) *commands.Dispatcher {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	confirm := commands.NewConfirmer(commands.ConfirmTTL)
	reg := commands.NewRegistry()
	reg.Register(commands.NodeCommands(inv, nil)...)
	reg.Register(confirm.Command(), commands.MaintCommand(commands.MaintOptions{
		Nodes: inv, Records: book, Agents: agents, Confirm: confirm, Logger: quiet,
	}))
	return commands.NewDispatcher(commands.Options{
		Registry: reg,
		Roles:    commands.NewRoles([]commands.Maintainer{{Name: "alice", Accounts: []string{"alice"}}}),
		Out:      out,
		Config:   commands.Config{Timeout: config.Duration(30 * time.Second), RateBurst: 100},
		Logger:   quiet,
		Nick:     "gordon",
		Prefix:   "!",
	})
}

// say sends line to gordon in private as alice and returns the answer.
func (f *maintFleet) say(t *testing.T, line string) []string {
	t.Helper()

	f.out.lines = nil
	f.d.Handle(context.Background(), commands.Message{
		From:    commands.Identity{Nick: "alice", Account: "alice", Via: "account-tag", AccountsTracked: true},
		Private: true, Text: line,
	})
	return f.out.lines
}

// maintCheck returns the node maintenance check of node in the catalog,
// or nil.
func (f *maintFleet) maintCheck(t *testing.T, node string) *api.HealthCheck {
	t.Helper()

	checks, _, err := f.api.Health().Node(node, nil)
	if err != nil {
		t.Fatalf("reading the checks of %s: %v", node, err)
	}
	for _, c := range checks {
		if c.CheckID == consul.NodeMaintenanceCheckID {
			return c
		}
	}
	return nil
}

// waitMaint polls the catalog until node's maintenance check is there
// (want) or gone, and returns it.
func (f *maintFleet) waitMaint(t *testing.T, node string, want bool) *api.HealthCheck {
	t.Helper()

	deadline := time.Now().Add(maintPoll)
	for {
		c := f.maintCheck(t, node)
		if (c != nil) == want {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the catalog still shows %s's maintenance check as %+v, want present: %v",
				maintPoll, node, c, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestConsulMaint(t *testing.T) {
	f := startMaintFleet(t)

	got := f.say(t, "maint node-a on because disk")
	if !slices.Equal(got, []string{"maint on for 1 node (node-a): consul ok"}) {
		t.Fatalf("maint on answered %q", got)
	}
	c := f.waitMaint(t, "node-a", true)
	if c.Status != api.HealthCritical || c.Notes != "because disk (alice via gordon)" {
		t.Fatalf("node-a's maintenance check = %s %q, want critical with the reason", c.Status, c.Notes)
	}

	want := "node-a (127.0.0.1): in maintenance (because disk; alice, just now); "
	if got := f.say(t, "node node-a"); len(got) == 0 || !strings.HasPrefix(got[0], want) {
		t.Fatalf("node node-a answered %q, want it to start %q", got, want)
	}
	if got := f.say(t, "nodes maint"); !slices.Contains(got, "node-a maint (because disk; alice, just now)") {
		t.Fatalf("nodes maint answered %q, want node-a in maintenance by alice", got)
	}

	if got := f.say(t, "maint node-a off"); !slices.Equal(got, []string{"maint off for 1 node (node-a): consul ok"}) {
		t.Fatalf("maint off answered %q", got)
	}
	f.waitMaint(t, "node-a", false)
	if got := f.say(t, "node node-a"); len(got) == 0 || !strings.HasSuffix(got[0], "; not in maintenance") {
		t.Fatalf("node node-a after maint off answered %q, want it out of maintenance", got)
	}
}

func TestConsulMaintUnreachable(t *testing.T) {
	f := startMaintFleet(t)

	got := f.say(t, "maint dm-dead on reimage")
	want := []string{
		"maint on for 1 node (dm-dead): consul failed",
		fmt.Sprintf("dm-dead: agent unreachable at http://127.0.0.1:%d; kept in gordon's record", f.closed),
	}
	if !slices.Equal(got, want) {
		t.Fatalf("maint on an unreachable agent answered\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	got = f.say(t, "nodes maint")
	if len(got) != 2 || !strings.HasPrefix(got[0], "1 of 10 in maintenance") ||
		got[1] != "dm-dead maint (reimage; alice, just now; gordon's record only)" {
		t.Fatalf("nodes maint answered %q, want dm-dead in gordon's record only", got)
	}
	if got := f.say(t, "node dm-dead"); len(got) == 0 || !strings.Contains(got[0], "gordon's record only") {
		t.Fatalf("node dm-dead answered %q, want it in maintenance by gordon's record", got)
	}
}

func TestConsulMaintConfirm(t *testing.T) {
	f := startMaintFleet(t)

	asked := strings.Join(f.say(t, "maint ci-* on because disk"), "\n")
	token := regexp.MustCompile(`^maint on for 7 nodes \(ci-1, ci-2, ci-3, ci-4, ci-5 \+2\): ` +
		`say "confirm ([a-z0-9]{6})" within 2m0s to go ahead$`).FindStringSubmatch(asked)
	if token == nil {
		t.Fatalf("maint over 7 nodes answered %q, want it to ask for confirm", asked)
	}
	if recs, err := f.book.MaintRecords(context.Background()); err != nil || len(recs) != 0 {
		t.Fatalf("records before confirm = %v, %v; want none", recs, err)
	}
	if got := f.say(t, "nodes maint"); len(got) != 1 || !strings.HasPrefix(got[0], "0 of 10 in maintenance") {
		t.Fatalf("nodes maint before confirm answered %q, want no node in maintenance", got)
	}

	got := f.say(t, "confirm "+token[1])
	if len(got) != 9 || got[1] != "maint on for 7 nodes (ci-1, ci-2, ci-3, ci-4, ci-5 +2): consul ok on 0 of 7" ||
		!strings.HasPrefix(got[8], "ci-7: agent unreachable at") {
		t.Fatalf("confirm answered\n%s\nwant the confirmation, the summary and 7 unreachable agents", strings.Join(got, "\n"))
	}
	recs, err := f.book.MaintRecords(context.Background())
	if err != nil || len(recs) != 7 || !recs["ci-4"].On || recs["ci-4"].Who != "alice" {
		t.Fatalf("records after confirm = %+v, %v; want 7 on, by alice", recs, err)
	}
}
