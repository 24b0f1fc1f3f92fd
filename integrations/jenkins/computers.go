package jenkins

import (
	"context"
	"fmt"
	"net/url"

	"github.com/bndr/gojenkins"
)

// Computer is a Jenkins agent, or the built-in node, as Jenkins sees it.
//
// It is an alias of a plain struct type, so that a consumer can declare
// the identical type (commands does, for maint) and be satisfied by this
// client's methods without importing this package. The two must change
// together.
type Computer = struct {
	Name   string
	Labels []string

	// Offline is set when no build can run there: disconnected, or taken
	// offline by someone.
	Offline bool

	// TemporarilyOffline is set when someone took it offline, with
	// OfflineReason.
	TemporarilyOffline bool
	OfflineReason      string

	Idle      bool
	Executors int

	// BuiltIn marks Jenkins' own node, "(built-in)" in URLs.
	BuiltIn bool
}

// classBuiltIn is the class of the built-in node's computer.
const classBuiltIn = "hudson.model.Hudson$MasterComputer"

// computerFields is the part of a computer's JSON that Computer needs.
const computerFields = "displayName,offline,temporarilyOffline,offlineCauseReason," +
	"idle,numExecutors,assignedLabels[name]"

// computerJSON is a computer as Jenkins writes it; gojenkins' node type
// leaves out the labels.
type computerJSON struct {
	gojenkins.NodeResponse
	AssignedLabels []struct {
		Name string `json:"name"`
	} `json:"assignedLabels"`
}

// computer converts the JSON.
func (raw computerJSON) computer() Computer {
	c := Computer{
		Name:               raw.DisplayName,
		Offline:            raw.Offline,
		TemporarilyOffline: raw.TemporarilyOffline,
		OfflineReason:      raw.OfflineCauseReason,
		Idle:               raw.Idle,
		Executors:          int(raw.NumExecutors),
		BuiltIn:            raw.Class == classBuiltIn,
	}
	for _, l := range raw.AssignedLabels {
		c.Labels = append(c.Labels, l.Name)
	}
	return c
}

// computerPath returns the path of the computer named name.
func computerPath(name string) string {
	return "/computer/" + url.PathEscape(name)
}

// Computers returns every computer Jenkins has, the built-in node
// included, with its labels and offline state.
func (c *Client) Computers(ctx context.Context) ([]Computer, error) {
	var raw struct {
		Computers []computerJSON `json:"computer"`
	}
	query := map[string]string{"tree": "computer[" + computerFields + "]"}
	if _, err := c.getJSON(ctx, "/computer", query, &raw); err != nil {
		return nil, fmt.Errorf("list computers: %w", err)
	}

	comps := make([]Computer, len(raw.Computers))
	for i, r := range raw.Computers {
		comps[i] = r.computer()
	}
	return comps, nil
}

// Computer returns the computer named name. One Jenkins does not have is
// a *NotFoundError matching ErrNoSuchNode.
func (c *Client) Computer(ctx context.Context, name string) (Computer, error) {
	var raw computerJSON
	query := map[string]string{"tree": computerFields}
	if _, err := c.getJSON(ctx, computerPath(name), query, &raw); err != nil {
		return Computer{}, fmt.Errorf("read node %s: %w", name, notFound(err, ErrNoSuchNode, name))
	}
	return raw.computer(), nil
}

// checkNodeOnline returns nil when node exists and is online, and a
// *NotFoundError or a *StateError (ErrNodeOffline) otherwise.
func (c *Client) checkNodeOnline(ctx context.Context, node string) error {
	comp, err := c.Computer(ctx, node)
	if err != nil {
		return err
	}
	if comp.Offline {
		return &StateError{Subject: "node " + node, State: offlineState(comp), Kind: ErrNodeOffline}
	}
	return nil
}

// offlineState describes an offline computer, with its reason if any.
func offlineState(comp Computer) string {
	if comp.OfflineReason != "" {
		return "is offline: " + comp.OfflineReason
	}
	return "is offline"
}

// Label is a Jenkins label, or a label expression such as "dm-1||dm-2",
// with the nodes it matches.
type Label struct {
	Name  string
	Nodes []string

	// Offline is set when every node of the label is offline, or it has
	// none.
	Offline bool

	IdleExecutors  int
	BusyExecutors  int
	TotalExecutors int
}

// Label reads the label or label expression name. Jenkins answers for
// any well-formed expression, with no nodes when nothing matches.
func (c *Client) Label(ctx context.Context, name string) (Label, error) {
	var raw gojenkins.LabelResponse
	query := map[string]string{"tree": "name,nodes[nodeName],offline,idleExecutors,busyExecutors,totalExecutors"}
	if _, err := c.getJSON(ctx, "/label/"+url.PathEscape(name), query, &raw); err != nil {
		return Label{}, fmt.Errorf("read label %s: %w", name, err)
	}

	l := Label{
		Name:           raw.Name,
		Offline:        raw.Offline || len(raw.Nodes) == 0,
		IdleExecutors:  int(raw.IdleExecutors),
		BusyExecutors:  int(raw.BusyExecutors),
		TotalExecutors: int(raw.TotalExecutors),
	}
	for _, n := range raw.Nodes {
		l.Nodes = append(l.Nodes, n.NodeName)
	}
	return l, nil
}
