package jenkinstest

import (
	"testing"
)

func TestLabelExpressions(t *testing.T) {
	node := []string{"dm-1", "docker", "linux"}
	tests := []struct {
		expr  string
		match bool
		class string
	}{
		{"", true, "hudson.model.labels.LabelAtom"},
		{"dm-1", true, "hudson.model.labels.LabelAtom"},
		{"dm-2", false, "hudson.model.labels.LabelAtom"},
		{"dm-2||dm-1", true, "hudson.model.labels.LabelExpression$Or"},
		{"docker && !windows", true, "hudson.model.labels.LabelExpression$And"},
		{"!docker", false, "hudson.model.labels.LabelExpression$Not"},
		{"(dm-2 || dm-3) && docker", false, "hudson.model.labels.LabelExpression$And"},
		{"dm-2 || dm-3 && docker || linux", true, "hudson.model.labels.LabelExpression$Or"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := parseLabel(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if e.matches(node) != tt.match || e.class() != tt.class {
				t.Fatalf("matches = %v, class %s; want %v, %s", e.matches(node), e.class(), tt.match, tt.class)
			}
		})
	}
}

func TestLabelSyntaxErrors(t *testing.T) {
	for _, expr := range []string{"a||", "&&a", "(a", "a)", "a & b", "!", "a b"} {
		t.Run(expr, func(t *testing.T) {
			if _, err := parseLabel(expr); err == nil {
				t.Fatalf("parseLabel(%q) did not fail", expr)
			}
		})
	}
}
