package jenkins

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// The files in testdata are written by hand in the shape of Jenkins'
// answers (field names, types, nulls and nesting), fuller than what the
// simulator returns for a tree= query.

// testdataJenkins serves the files of testdata at the paths the client
// reads.
func testdataJenkins(t *testing.T) *Client {
	t.Helper()
	mux := http.NewServeMux()
	files := map[string]string{
		"/job/docker-pr/api/json":     "testdata/job.json",
		"/job/docker-pr/812/api/json": "testdata/build.json",
		"/queue/item/184523/api/json": "testdata/queue_item_left.json",
		"/queue/item/184524/api/json": "testdata/queue_item_cancelled.json",
		"/computer/api/json":          "testdata/computers.json",
		"/label/docker/api/json":      "testdata/label.json",
	}
	for path, file := range files {
		mux.HandleFunc("GET "+path, serveFile(t, file))
	}

	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return newTestClient(t, srv.URL)
}

func TestDecodeJob(t *testing.T) {
	c := testdataJenkins(t)

	j, err := c.Job(context.Background(), "docker-pr")
	if err != nil {
		t.Fatal(err)
	}
	if !j.InQueue || !j.Buildable || !j.Concurrent || j.URL == "" {
		t.Fatalf("job = %+v", j)
	}
	if got := j.ParamNames(); !slices.Equal(got, []string{"PR", "NODE", "RACE", "STORAGE", "GORDON_USER"}) {
		t.Fatalf("params = %v", got)
	}
	race, _ := j.Param("race")
	storage, _ := j.Param("STORAGE")
	if race.Default != "false" || race.Type != typeBoolean || !slices.Equal(storage.Choices, []string{"overlay2", "devicemapper", "btrfs"}) {
		t.Fatalf("RACE = %+v, STORAGE = %+v", race, storage)
	}
}

func TestDecodeBuild(t *testing.T) {
	c := testdataJenkins(t)

	b, err := c.Build(context.Background(), "docker-pr", 812)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"PR": "1207", "NODE": "dm-3", "RACE": "true", "STORAGE": "overlay2", "GORDON_USER": "alice"}
	for k, v := range want {
		if b.Params[k] != v {
			t.Errorf("param %s = %q, want %q", k, b.Params[k], v)
		}
	}
	if b.Result != ResultFailure || b.Duration != 1843211*time.Millisecond || b.BuiltOn != "dm-3" ||
		b.QueueID != 184431 || !b.Started.Equal(time.UnixMilli(1714644000000)) {
		t.Fatalf("build = %+v", b)
	}
}

func TestDecodeQueueItems(t *testing.T) {
	c := testdataJenkins(t)
	ctx := context.Background()

	left, err := c.QueueItem(ctx, 184523)
	if err != nil {
		t.Fatal(err)
	}
	if left.Build != 814 || left.Waiting() || left.Job != "docker-pr" || left.Params["PR"] != "1207" {
		t.Fatalf("left item = %+v", left)
	}

	cancelled, err := c.QueueItem(ctx, 184524)
	if err != nil {
		t.Fatal(err)
	}
	if !cancelled.Cancelled || cancelled.Job != "infra/tools" || cancelled.Build != 0 {
		t.Fatalf("cancelled item = %+v; want job infra/tools, read from the task URL", cancelled)
	}
}

func TestDecodeComputersAndLabel(t *testing.T) {
	c := testdataJenkins(t)
	ctx := context.Background()

	comps, err := c.Computers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(comps) != 3 || !comps[0].BuiltIn || comps[1].BuiltIn {
		t.Fatalf("computers = %+v", comps)
	}
	if dm2 := comps[2]; !dm2.Offline || !dm2.TemporarilyOffline || dm2.OfflineReason != "kernel upgrade" {
		t.Fatalf("dm-2 = %+v", dm2)
	}

	l, err := c.Label(ctx, "docker")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Nodes, []string{"dm-1", "dm-2"}) || l.Offline || l.TotalExecutors != 2 {
		t.Fatalf("label = %+v", l)
	}
}
