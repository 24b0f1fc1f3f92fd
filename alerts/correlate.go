package alerts

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Thresholds of correlation. A value is shown when at least minShared of
// the failing nodes, and at least half of them, hold it, and when nodes
// picked at random from the fleet would hold it that often with a chance
// of maxChance at most: a pattern, not the shape of the fleet. Two nodes
// of a fleet that is three quarters overlay both being on overlay says
// nothing; nine of them all on devmapper, a quarter of the fleet, does.
const (
	minShared = 2
	maxChance = 0.1
	maxFacts  = 3
)

// fact is a metadata value that a group of failing nodes shares or holds
// far more often than the fleet does.
type fact struct {
	key   string
	value string // a value, or a version glob such as "3.19*"
	held  int    // how many of the group's nodes hold it
	of    int    // how many nodes the group has
}

// String returns the fact as a line shows it: "all storage=devmapper" or
// "8/9 kernel=3.19*".
func (f fact) String() string {
	if f.held == f.of {
		return fmt.Sprintf("all %s=%s", f.key, f.value)
	}
	return fmt.Sprintf("%d/%d %s=%s", f.held, f.of, f.key, f.value)
}

// correlate returns what the nodes have in common that the fleet does not,
// looking at the display names in order: for each, the value (or version
// glob) most of the nodes hold. Facts all the nodes share come first, then
// the others by how many hold them; at most maxFacts.
func correlate(nodes []string, f *facts, names []string) []fact {
	if len(nodes) < minShared || f.total() == 0 {
		return nil
	}

	var out []fact
	for _, name := range names {
		if ft, ok := bestValue(nodes, f, name); ok && telling(ft, f.counts[name][ft.value], f.total()) {
			out = append(out, ft)
		}
	}

	slices.SortStableFunc(out, func(a, b fact) int {
		return cmp.Compare(b.held*a.of, a.held*b.of)
	})
	return out[:min(len(out), maxFacts)]
}

// bestValue returns the value of name that most of nodes hold. A version
// glob wins over a single version only when it covers more nodes.
func bestValue(nodes []string, f *facts, name string) (fact, bool) {
	held := map[string]int{}
	for _, n := range nodes {
		v, ok := f.of(n)[name]
		if !ok {
			continue
		}
		held[v]++
		if g, ok := versionGlob(v); ok {
			held[g]++
		}
	}

	best := fact{key: name, of: len(nodes)}
	for v, n := range held {
		glob := strings.HasSuffix(v, "*")
		bestGlob := strings.HasSuffix(best.value, "*")
		switch {
		case n > best.held,
			n == best.held && bestGlob && !glob,
			n == best.held && glob == bestGlob && v < best.value:
			best.value, best.held = v, n
		}
	}
	return best, best.held > 0
}

// telling reports whether a fact says something: the fleet does not all
// hold the value, enough of the group holds it, and the group holding it
// that often would be unlikely if failures fell on nodes at random.
func telling(ft fact, inFleet, fleet int) bool {
	if inFleet >= fleet || ft.held < minShared || 2*ft.held < ft.of {
		return false
	}
	return chanceAtLeast(ft.held, ft.of, float64(inFleet)/float64(fleet)) <= maxChance
}

// chanceAtLeast returns the chance that at least k of n nodes hold a value
// that each holds with probability p: the upper tail of the binomial
// distribution, summed in logarithms so that large n stays finite.
func chanceAtLeast(k, n int, p float64) float64 {
	if p <= 0 {
		return 0
	}
	lp, lq := math.Log(p), math.Log1p(-p)
	sum := 0.0
	for i := k; i <= n; i++ {
		sum += math.Exp(logChoose(n, i) + float64(i)*lp + float64(n-i)*lq)
	}
	return sum
}

// logChoose returns the logarithm of the binomial coefficient C(n, k).
func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}
