package upgrade

import (
	"slices"
)

// labelRule keeps the CI able to run every kind of job during an
// upgrade: it knows how many online agents carry each label, so it can
// tell a batch that would take the last of them offline.
type labelRule struct {
	// online counts the online agents of each label.
	online map[string]int

	// labels are each online agent's labels, sorted, its own name left
	// out: Jenkins makes every node name a label, and a node is always
	// the only one of its own.
	labels map[string][]string
}

// newLabelRule reads the labels of the agents online now. An agent that
// is offline already loses nothing by going offline, so it is left out.
func newLabelRule(agents []Agent) labelRule {
	r := labelRule{online: map[string]int{}, labels: make(map[string][]string, len(agents))}
	for _, a := range agents {
		if a.Offline {
			continue
		}

		labels := slices.DeleteFunc(slices.Clone(a.Labels), func(l string) bool {
			return l == "" || l == a.Name
		})
		slices.Sort(labels)
		labels = slices.Compact(labels)
		for _, l := range labels {
			r.online[l]++
		}
		r.labels[a.Name] = labels
	}
	return r
}

// alone returns a label of which node's agent is the only online one:
// upgrading the node at all would leave that label with no agent.
func (r labelRule) alone(node string) (string, bool) {
	for _, l := range r.labels[node] {
		if r.online[l] <= 1 {
			return l, true
		}
	}
	return "", false
}

// fits reports whether node may join a batch whose online agents carry
// used, leaving at least one online agent of each label.
func (r labelRule) fits(node string, used map[string]int) bool {
	for _, l := range r.labels[node] {
		if used[l]+1 >= r.online[l] {
			return false
		}
	}
	return true
}

// take counts node's labels in used.
func (r labelRule) take(node string, used map[string]int) {
	for _, l := range r.labels[node] {
		used[l]++
	}
}

// breaks returns a label that taking targets offline together would
// leave with no online agent, and false when there is none.
func (r labelRule) breaks(targets []Target) (string, bool) {
	used := map[string]int{}
	for _, t := range targets {
		for _, l := range r.labels[t.Node] {
			used[l]++
			if used[l] >= r.online[l] {
				return l, true
			}
		}
	}
	return "", false
}

// packer puts nodes into batches under the label rule.
type packer struct {
	rule labelRule
	size int
}

// openBatch is a batch being filled.
type openBatch struct {
	targets []Target
	used    map[string]int
}

// add puts t in the batch.
func (b *openBatch) add(r labelRule, t Target) {
	b.targets = append(b.targets, t)
	r.take(t.Node, b.used)
}

// pack holds back the nodes that can never go offline, then makes the
// canary batch of the first canaries nodes that fit together, then
// batches of the rest.
func (pk packer) pack(todo []Target, canaries int) ([]Batch, []Held) {
	var held []Held
	ready := make([]Target, 0, len(todo))
	for _, t := range todo {
		if l, ok := pk.rule.alone(t.Node); ok {
			held = append(held, Held{Node: t.Node, Label: l})
			continue
		}
		ready = append(ready, t)
	}

	canary, rest := pk.canaries(ready, canaries)
	var batches []Batch
	if len(canary) > 0 {
		batches = append(batches, Batch{Canary: true, Targets: canary})
	}
	return append(batches, pk.batches(rest)...), held
}

// canaries picks up to n nodes, in order, that may go offline together,
// and returns them and the nodes left.
func (pk packer) canaries(ready []Target, n int) ([]Target, []Target) {
	b := openBatch{used: map[string]int{}}
	rest := make([]Target, 0, len(ready))
	for _, t := range ready {
		if len(b.targets) < n && pk.rule.fits(t.Node, b.used) {
			b.add(pk.rule, t)
			continue
		}
		rest = append(rest, t)
	}
	return b.targets, rest
}

// batches packs nodes in order into batches of up to pk.size: each node
// goes into the first batch not yet full that it fits, or starts a new
// one. Only batches not yet full are searched, so a fleet whose labels
// rarely clash is packed in about linear time.
func (pk packer) batches(ready []Target) []Batch {
	var all, open []*openBatch
	for _, t := range ready {
		i := slices.IndexFunc(open, func(b *openBatch) bool { return pk.rule.fits(t.Node, b.used) })
		if i < 0 {
			all = append(all, &openBatch{used: map[string]int{}})
			open = append(open, all[len(all)-1])
			i = len(open) - 1
		}

		open[i].add(pk.rule, t)
		if len(open[i].targets) == pk.size {
			open = slices.Delete(open, i, i+1)
		}
	}

	batches := make([]Batch, len(all))
	for i, b := range all {
		batches[i] = Batch{Targets: b.targets}
	}
	return batches
}
