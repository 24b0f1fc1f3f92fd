package alerts

import (
	"context"
	"fmt"
	"strings"

	"github.com/gordonbot/gordon/fleet"
)

// Facts gives the metadata of every node of the fleet: routes select on
// it, and lines compare the failing nodes with the fleet through it.
type Facts interface {
	// NodeMeta returns every node's metadata, keyed by node name, then by
	// node-meta key as Consul holds it (kernel, docker_version...). Its
	// errors are the source's; the engine logs them and goes on with the
	// metadata it had.
	NodeMeta(ctx context.Context) (map[string]map[string]string, error)
}

// FactsFunc adapts a function to Facts.
type FactsFunc func(ctx context.Context) (map[string]map[string]string, error)

// NodeMeta calls f.
func (f FactsFunc) NodeMeta(ctx context.Context) (map[string]map[string]string, error) {
	return f(ctx)
}

// NodeLister lists the nodes of the fleet; fleet.ConsulSource is one.
type NodeLister interface {
	Nodes(ctx context.Context, filter string) (fleet.NodeList, error)
}

// ListedFacts returns Facts read from a full listing of l. A listing
// carries the failing checks too, which the engine does not need, but it
// is the one view of every node's metadata the fleet offers today.
func ListedFacts(l NodeLister) Facts {
	return FactsFunc(func(ctx context.Context) (map[string]map[string]string, error) {
		list, err := l.Nodes(ctx, "")
		if err != nil {
			return nil, fmt.Errorf("list node metadata: %w", err)
		}

		meta := make(map[string]map[string]string, len(list.Nodes))
		for _, n := range list.Nodes {
			meta[n.Name] = n.Meta
		}
		return meta, nil
	})
}

// maxValue is how long, in bytes, a metadata value may be in a line.
const maxValue = 40

// facts is the fleet's metadata as lines use it: under display names,
// cleaned, and counted. It is built whole and never changed after, so it
// is read without a lock.
type facts struct {
	// nodes maps a node to its values by display name.
	nodes map[string]map[string]string

	// counts maps a display name to how many nodes hold each value, and
	// each version glob ("3.19*") standing for a version's major.minor.
	counts map[string]map[string]int
}

// newFacts builds facts from meta (node-meta keys) for the display names
// of keys.
func newFacts(meta map[string]map[string]string, keys fleet.MetaKeys) *facts {
	f := &facts{nodes: make(map[string]map[string]string, len(meta)), counts: map[string]map[string]int{}}
	for node, m := range meta {
		values := map[string]string{}
		for name, key := range keys {
			v, ok := m[key]
			if !ok {
				continue
			}
			v = fleet.OneLine(v, maxValue)
			values[name] = v
			f.count(name, v)
		}
		f.nodes[node] = values
	}
	return f
}

// count adds one node holding v for name, and its version glob.
func (f *facts) count(name, v string) {
	c := f.counts[name]
	if c == nil {
		c = map[string]int{}
		f.counts[name] = c
	}
	c[v]++
	if g, ok := versionGlob(v); ok {
		c[g]++
	}
}

// total returns how many nodes the facts know.
func (f *facts) total() int {
	if f == nil {
		return 0
	}
	return len(f.nodes)
}

// of returns the values of node by display name; nil when unknown.
func (f *facts) of(node string) map[string]string {
	if f == nil {
		return nil
	}
	return f.nodes[node]
}

// knows reports whether node is among the facts.
func (f *facts) knows(node string) bool {
	if f == nil {
		return false
	}
	_, ok := f.nodes[node]
	return ok
}

// versionGlob returns "3.19*" for a value that is a version with at least
// a major and a minor number ("3.19.0-25-generic", "v3.19"), so that nodes
// on the same line of releases count together. Values that merely hold a
// version ("ubuntu-14.04") are not versions.
func versionGlob(v string) (string, bool) {
	lead := strings.TrimPrefix(strings.TrimPrefix(v, "v"), "V")
	if lead == "" || lead[0] < '0' || lead[0] > '9' {
		return "", false
	}

	ver, ok := fleet.Version(v)
	if !ok {
		return "", false
	}
	mm := fleet.MajorMinor(ver)
	if !strings.Contains(mm, ".") {
		return "", false
	}
	return mm + "*", true
}
