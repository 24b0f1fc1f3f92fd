package fleet

import (
	"strconv"
	"strings"
)

// Filter is a list of selectors made ready for Consul.
type Filter struct {
	// Expr is a Consul filter expression over the catalog's nodes that
	// holds for the nodes every node and metadata selector picks; empty
	// when there is none.
	Expr string

	// Tags are the tag selectors. A node's service tags are not fields of
	// a catalog node, so these are answered apart (see TagExpr).
	Tags Selectors
}

// Filter turns selectors into a Filter. A key that is neither "node",
// "tag" nor a display name of m is an *UnknownKeyError; a value Consul's
// filter language cannot quote is a *SelectorError.
//
// Metadata selectors become comparisons on Meta["key"] with the node-meta
// key, globs become "matches" with GlobRegexp's anchored expression, and
// all of them are joined with "and":
//
//	kernel=4.*  distro!=debian  dm-?
//	("kernel" in Meta and Meta["kernel"] matches "^4\\..*$") and
//	Meta["distro"] != "debian" and Node matches "^dm-.$"
//
// A glob is guarded by `"key" in Meta` because Consul's "matches" holds
// for a node that lacks the key; a node without the key matches only the
// negated selectors, as Selector.Matches says.
func (m MetaKeys) Filter(sels Selectors) (Filter, error) {
	var f Filter
	var terms []string
	for _, s := range sels {
		if s.Key == KeyTag {
			f.Tags = append(f.Tags, s)
			continue
		}

		term, err := m.term(s)
		if err != nil {
			return Filter{}, err
		}
		terms = append(terms, term)
	}

	f.Expr = strings.Join(terms, " and ")
	return f, nil
}

// term returns the expression for one node or metadata selector.
func (m MetaKeys) term(s Selector) (string, error) {
	field := "Node"
	guard := ""
	if s.Key != KeyNode {
		key, err := m.metaKey(s.Key)
		if err != nil {
			return "", err
		}
		field = "Meta[" + strconv.Quote(key) + "]"
		guard = strconv.Quote(key) + " in Meta and "
	}

	value := s.Value
	if s.Op == OpMatch || s.Op == OpNotMatch {
		value = GlobRegexp(s.Value)
	}
	lit, ok := literal(value)
	if !ok {
		return "", &SelectorError{Input: s.String(), Reason: "a value cannot hold both ` and \""}
	}
	return comparison(s.Op, field, guard, lit), nil
}

// comparison writes field compared with the quoted literal lit. A glob on
// a metadata field is wrapped with guard, its "key in Meta" condition.
func comparison(op Op, field, guard, lit string) string {
	switch op {
	case OpEqual:
		return field + " == " + lit
	case OpNotEqual:
		return field + " != " + lit
	}

	match := field + " matches " + lit
	switch {
	case guard == "" && op == OpNotMatch:
		return field + " not matches " + lit
	case guard == "":
		return match
	case op == OpNotMatch:
		return "not (" + guard + match + ")"
	}
	return "(" + guard + match + ")"
}

// literal quotes s as a string of Consul's filter language. Its parser
// ends a double-quoted string at the first '"', escaped or not, so a value
// holding '"' is written between backquotes, which take it as it is. A
// value holding both cannot be written; ok is then false.
func literal(s string) (lit string, ok bool) {
	switch {
	case !strings.Contains(s, `"`):
		return strconv.Quote(s), true
	case !strings.Contains(s, "`"):
		return "`" + s + "`", true
	}
	return "", false
}

// TagExpr returns a Consul filter expression over a service's instances
// that holds for an instance carrying any of tags, as in
// `"gpu" in ServiceTags or "cuda" in ServiceTags`. Tags that cannot be
// quoted are left out; with none left it returns "" and false.
func TagExpr(tags []string) (string, bool) {
	var terms []string
	for _, tag := range tags {
		if lit, ok := literal(tag); ok {
			terms = append(terms, lit+" in ServiceTags")
		}
	}
	return strings.Join(terms, " or "), len(terms) > 0
}
