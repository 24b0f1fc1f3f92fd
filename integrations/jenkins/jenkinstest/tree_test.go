package jenkinstest

import (
	"encoding/json"
	"testing"
)

func TestApplyTree(t *testing.T) {
	doc := obj{
		"_class": "hudson.model.FreeStyleProject",
		"name":   "docker-pr",
		"color":  "blue",
		"builds": []any{
			obj{"_class": "b", "number": 3, "result": "SUCCESS", "actions": []any{obj{"parameters": []any{obj{"name": "PR", "value": "1"}}}}},
			obj{"_class": "b", "number": 2, "result": nil},
			obj{"_class": "b", "number": 1, "result": "FAILURE"},
		},
		"lastBuild": obj{"_class": "b", "number": 3},
		"choices":   []any{"a", "b"},
	}
	tests := []struct {
		name string
		tree string
		want string
	}{
		{"fields", "name,color", `{"_class":"hudson.model.FreeStyleProject","color":"blue","name":"docker-pr"}`},
		{"object without sub-fields", "lastBuild", `{"_class":"hudson.model.FreeStyleProject","lastBuild":{"_class":"b"}}`},
		{"list of scalars", "choices", `{"_class":"hudson.model.FreeStyleProject","choices":["a","b"]}`},
		{"range", "builds[number]{0,2}", `{"_class":"hudson.model.FreeStyleProject","builds":[{"_class":"b","number":3},{"_class":"b","number":2}]}`},
		{"open range", "builds[number]{1,}", `{"_class":"hudson.model.FreeStyleProject","builds":[{"_class":"b","number":2},{"_class":"b","number":1}]}`},
		{"one element", "builds[result]{2}", `{"_class":"hudson.model.FreeStyleProject","builds":[{"_class":"b","result":"FAILURE"}]}`},
		{"range past the end", "builds[number]{5,9}", `{"_class":"hudson.model.FreeStyleProject","builds":[]}`},
		{"nested", "builds[actions[parameters[name,value]]]{0,1}", `{"_class":"hudson.model.FreeStyleProject","builds":[{"_class":"b","actions":[{"parameters":[{"name":"PR","value":"1"}]}]}]}`},
		{"unknown field", "nope", `{"_class":"hudson.model.FreeStyleProject"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields, err := parseTree(tt.tree)
			if err != nil {
				t.Fatal(err)
			}
			v, err := applyTree(doc, fields)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(v)
			if string(got) != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseTreeErrors(t *testing.T) {
	for _, tree := range []string{"", "a[", "a[b", "a]", "a{1", "a{x,2}", ",a", "a[]"} {
		t.Run(tree, func(t *testing.T) {
			if _, err := parseTree(tree); err == nil {
				t.Fatalf("parseTree(%q) did not fail", tree)
			}
		})
	}
}
