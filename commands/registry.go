package commands

import (
	"context"
	"fmt"
	"sort"
)

// Handler runs one command. It adds its answer to the request with Reply
// and returns an error when the command failed; a *UsageError makes the
// dispatcher answer with the command's usage.
type Handler func(ctx context.Context, req *Request) error

// Command is one entry of the registry.
type Command struct {
	Name    string
	Usage   string // arguments after the name, as help shows them
	Summary string // one short sentence for help
	Role    Role   // the least role that may run it

	// Action marks a command that changes something. Actions are audited,
	// and an action asked for in private is announced in the main channel.
	Action bool

	// Reads, when set on an action, reports whether a line only reads
	// ("upgrade status"): that line is neither audited nor announced.
	Reads func(inv Invocation) bool

	Run Handler
}

// acts reports whether the line inv changes something.
func (c *Command) acts(inv Invocation) bool {
	return c.Action && (c.Reads == nil || !c.Reads(inv))
}

// Registry holds the commands gordon knows. It is filled once from main,
// before the dispatcher starts, and only read after that.
type Registry struct {
	byName map[string]*Command
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: map[string]*Command{}}
}

// Register adds commands. A duplicate or incomplete command is a
// programming error and panics, as http.ServeMux does.
func (r *Registry) Register(cmds ...Command) {
	for _, c := range cmds {
		if c.Name == "" || c.Run == nil {
			panic(fmt.Sprintf("commands: incomplete command %q", c.Name))
		}
		if _, dup := r.byName[c.Name]; dup {
			panic(fmt.Sprintf("commands: %q registered twice", c.Name))
		}

		c := c
		r.byName[c.Name] = &c
	}
}

// Lookup returns the command named name, or nil.
func (r *Registry) Lookup(name string) *Command {
	return r.byName[name]
}

// All returns every command sorted by name.
func (r *Registry) All() []*Command {
	all := make([]*Command, 0, len(r.byName))
	for _, c := range r.byName {
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// Closest returns the registered name nearest to name when it is within
// edit distance 2, so a typo gets "did you mean ...?".
func (r *Registry) Closest(name string) (string, bool) {
	best, bestDist := "", 3
	for _, c := range r.All() {
		if d := editDistance(name, c.Name); d < bestDist {
			best, bestDist = c.Name, d
		}
	}
	return best, best != ""
}

// editDistance is the Levenshtein distance between a and b, over runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}

	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
