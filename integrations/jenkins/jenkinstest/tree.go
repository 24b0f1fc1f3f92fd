package jenkinstest

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// treeField is one field of a tree= query, as in "builds[number,url]{0,5}":
// its name, the fields wanted inside it, and which elements of a list.
type treeField struct {
	name string

	// sub are the fields wanted inside; nil keeps a scalar as it is and
	// an object as its "_class" alone, as Jenkins does.
	sub []treeField

	// lo and hi bound the list elements kept; hi < 0 keeps the rest.
	lo, hi int
}

// errTreeSyntax is a tree= query that does not parse.
var errTreeSyntax = errors.New("bad tree query")

// parseTree parses a tree= query.
func parseTree(spec string) ([]treeField, error) {
	p := &treeParser{s: spec}
	fields, err := p.fields()
	if err != nil || p.pos != len(p.s) {
		return nil, errTreeSyntax
	}
	return fields, nil
}

// treeParser reads a tree= query.
type treeParser struct {
	s   string
	pos int
}

// next returns the next byte, or 0 at the end.
func (p *treeParser) next() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

// fields reads fields separated by commas.
func (p *treeParser) fields() ([]treeField, error) {
	var out []treeField
	for {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		out = append(out, f)

		if p.next() != ',' {
			return out, nil
		}
		p.pos++
	}
}

// field reads a name, its sub-fields in brackets and a range in braces.
func (p *treeParser) field() (treeField, error) {
	start := p.pos
	for p.pos < len(p.s) && !strings.ContainsRune(",[]{}", rune(p.s[p.pos])) {
		p.pos++
	}
	f := treeField{name: strings.TrimSpace(p.s[start:p.pos]), hi: -1}
	if f.name == "" {
		return f, errTreeSyntax
	}

	var err error
	if p.next() == '[' {
		p.pos++
		if f.sub, err = p.fields(); err != nil || p.next() != ']' {
			return f, errTreeSyntax
		}
		p.pos++
	}
	if p.next() == '{' {
		err = p.bounds(&f)
	}
	return f, err
}

// bounds reads {M,N}, {M,}, {,N} or {N}.
func (p *treeParser) bounds(f *treeField) error {
	end := strings.IndexByte(p.s[p.pos:], '}')
	if end < 0 {
		return errTreeSyntax
	}
	inner := p.s[p.pos+1 : p.pos+end]
	p.pos += end + 1

	lo, hi, ranged := strings.Cut(inner, ",")
	var err error
	if f.lo, err = boundOr(lo, 0); err != nil {
		return err
	}
	if !ranged {
		f.hi = f.lo + 1
		return nil
	}
	f.hi, err = boundOr(hi, -1)
	return err
}

// boundOr reads a bound, def when it is empty.
func boundOr(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, errTreeSyntax
	}
	return n, nil
}

// applyTree keeps only the fields of v that the query asks for. v is
// first turned into plain JSON values.
func applyTree(v any, fields []treeField) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}

	var plain any
	if err := json.Unmarshal(data, &plain); err != nil {
		return nil, err
	}
	return filter(plain, fields), nil
}

// filter keeps, in an object or each object of a list, "_class" and the
// fields asked for.
func filter(v any, fields []treeField) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		if c, ok := v["_class"]; ok {
			out["_class"] = c
		}
		for _, f := range fields {
			if val, ok := v[f.name]; ok {
				out[f.name] = f.apply(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = filter(e, fields)
		}
		return out
	}
	return v
}

// apply cuts a list to the field's range and filters what is left.
func (f treeField) apply(v any) any {
	if list, ok := v.([]any); ok {
		v = f.cut(list)
	}
	return filter(v, f.sub)
}

// cut returns the elements of list within the field's range.
func (f treeField) cut(list []any) []any {
	lo, hi := min(f.lo, len(list)), len(list)
	if f.hi >= 0 {
		hi = min(f.hi, len(list))
	}
	return list[lo:max(lo, hi)]
}
