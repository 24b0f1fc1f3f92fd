package jenkinstest_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

// TestShapesMatchJenkins compares what the simulator answers with the
// Jenkins-shaped files of the client's testdata: every field there must
// be here, with the same JSON type (null goes with anything).
func TestShapesMatchJenkins(t *testing.T) {
	sim, clk, url := start(t, time.Minute)
	sim.AddJob(testdataJob)
	send(t, "POST", url+"/job/docker-pr/buildWithParameters?PR=1207&NODE=dm-1")
	clk.Add(time.Hour)
	send(t, "POST", url+"/job/docker-pr/buildWithParameters?PR=1208")
	sim.AddJob(jenkinstest.JobSpec{Name: "tools"})
	send(t, "POST", url+"/job/tools/build")
	send(t, "POST", url+"/queue/cancelItem?id=103")
	send(t, "POST", url+"/computer/dm-2/toggleOffline?offlineMessage=kernel+upgrade")

	tests := []struct {
		file string
		path string
	}{
		{"job.json", "/job/docker-pr/api/json"},
		{"build.json", "/job/docker-pr/1/api/json"},
		{"queue_item_left.json", "/queue/item/101/api/json"},
		{"queue_item_cancelled.json", "/queue/item/103/api/json"},
		{"computers.json", "/computer/api/json"},
		{"label.json", "/label/docker/api/json"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("../testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}

			for _, p := range shapeDiff("", want, any(getJSON(t, url+tt.path))) {
				t.Error(p)
			}
		})
	}
}

// testdataJob is docker-pr as testdata/job.json defines it.
var testdataJob = jenkinstest.JobSpec{
	Name: "docker-pr",
	Params: []jenkinstest.ParamSpec{
		{Name: "PR"},
		{Name: "NODE"},
		{Name: "RACE", Type: jenkinstest.BooleanParam, Default: "false"},
		{Name: "STORAGE", Type: jenkinstest.ChoiceParam, Choices: []string{"overlay2", "devicemapper", "btrfs"}},
		{Name: "GORDON_USER"},
	},
	Concurrent: true,
	NodeParam:  "NODE",
}

// shapeDiff lists where got lacks a field of want or has another type.
// Lists are compared element by element, as far as both go.
func shapeDiff(at string, want, got any) []string {
	if want == nil || got == nil {
		return nil
	}
	if kind(want) != kind(got) {
		return []string{fmt.Sprintf("%s: %s here, %s in Jenkins", at, kind(got), kind(want))}
	}

	var diffs []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing", at, k))
			}
			if ok && !opaque[k] {
				diffs = append(diffs, shapeDiff(at+"."+k, wv, gv)...)
			}
		}
	case []any:
		g := got.([]any)
		for i := range min(len(w), len(g)) {
			diffs = append(diffs, shapeDiff(fmt.Sprintf("%s[%d]", at, i), w[i], g[i])...)
		}
	}
	return diffs
}

// opaque fields are not looked into: their content depends on plugins
// and history.
var opaque = map[string]bool{"monitorData": true, "healthReport": true}

// kind names the JSON type of v.
func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}
