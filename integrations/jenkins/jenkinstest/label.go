package jenkinstest

import (
	"errors"
	"slices"
	"strings"
)

// labelExpr is a parsed label expression: an atom, or !, && or || over
// others. The empty expression matches every node.
type labelExpr struct {
	op    string // "", "atom", "!", "&&", "||"
	atom  string
	parts []*labelExpr
}

// matches reports whether a node with labels satisfies the expression.
func (e *labelExpr) matches(labels []string) bool {
	switch e.op {
	case "":
		return true
	case "atom":
		return slices.Contains(labels, e.atom)
	case "!":
		return !e.parts[0].matches(labels)
	case "&&":
		return e.parts[0].matches(labels) && e.parts[1].matches(labels)
	}
	return e.parts[0].matches(labels) || e.parts[1].matches(labels)
}

// class returns the Java class Jenkins gives a label of this shape.
func (e *labelExpr) class() string {
	switch e.op {
	case "", "atom":
		return "hudson.model.labels.LabelAtom"
	case "!":
		return "hudson.model.labels.LabelExpression$Not"
	case "&&":
		return "hudson.model.labels.LabelExpression$And"
	}
	return "hudson.model.labels.LabelExpression$Or"
}

// errLabelSyntax is a label expression that does not parse.
var errLabelSyntax = errors.New("bad label expression")

// parseLabel parses a label expression made of atoms, parentheses, "!",
// "&&" and "||", with Jenkins' precedence (! before && before ||).
func parseLabel(s string) (*labelExpr, error) {
	p := &labelParser{tokens: labelTokens(s)}
	if len(p.tokens) == 0 {
		return &labelExpr{}, nil
	}

	e, err := p.or()
	if err != nil || p.pos != len(p.tokens) {
		return nil, errLabelSyntax
	}
	return e, nil
}

// labelTokens splits an expression into operators, parentheses and atoms.
func labelTokens(s string) []string {
	var tokens []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		n := 1
		switch {
		case strings.HasPrefix(s, "&&"), strings.HasPrefix(s, "||"):
			n = 2
		case strings.ContainsRune("!()", rune(s[0])):
		default:
			// An atom runs to the next operator or blank; a lone '&'
			// or '|' is a token of its own that parses as an error.
			n = strings.IndexAny(s, "!()&| \t")
			if n < 0 {
				n = len(s)
			}
			n = max(n, 1)
		}
		tokens = append(tokens, s[:n])
		s = s[n:]
	}
	return tokens
}

// labelParser is a recursive descent over the tokens.
type labelParser struct {
	tokens []string
	pos    int
}

func (p *labelParser) peek() string {
	if p.pos < len(p.tokens) {
		return p.tokens[p.pos]
	}
	return ""
}

func (p *labelParser) or() (*labelExpr, error) {
	return p.binary("||", p.and)
}

func (p *labelParser) and() (*labelExpr, error) {
	return p.binary("&&", p.not)
}

// binary parses operands joined by op, left to right.
func (p *labelParser) binary(op string, operand func() (*labelExpr, error)) (*labelExpr, error) {
	left, err := operand()
	for err == nil && p.peek() == op {
		p.pos++
		var right *labelExpr
		if right, err = operand(); err == nil {
			left = &labelExpr{op: op, parts: []*labelExpr{left, right}}
		}
	}
	return left, err
}

func (p *labelParser) not() (*labelExpr, error) {
	if p.peek() != "!" {
		return p.primary()
	}

	p.pos++
	e, err := p.not()
	if err != nil {
		return nil, err
	}
	return &labelExpr{op: "!", parts: []*labelExpr{e}}, nil
}

func (p *labelParser) primary() (*labelExpr, error) {
	tok := p.peek()
	p.pos++
	switch tok {
	case "(":
		e, err := p.or()
		if err != nil || p.peek() != ")" {
			return nil, errLabelSyntax
		}
		p.pos++
		return e, nil
	case "", ")", "!", "&&", "||":
		return nil, errLabelSyntax
	}
	if strings.ContainsAny(tok, "&|") {
		return nil, errLabelSyntax
	}
	return &labelExpr{op: "atom", atom: tok}, nil
}
