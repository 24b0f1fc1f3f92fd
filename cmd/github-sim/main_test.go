package main

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/versions"
	"github.com/gordonbot/gordon/integrations/github"
)

// TestDemoAnswersRCAndMaster: what the demo's gordon asks of the stand-in
// works out to the candidate and to the branch's head.
func TestDemoAnswersRCAndMaster(t *testing.T) {
	o, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	api, head := demo(o, "demo-token", time.Now())
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	c, err := github.NewClient(github.Config{APIURL: srv.URL + "/", Token: "demo-token"}, github.APIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := versions.New(versions.Options{GitHub: c, RC: versions.RCConfig{Repo: o.repo},
		Master: versions.MasterConfig{Repo: o.repo, URL: "http://127.0.0.1/docker-{{.SHA}}.tgz"}})
	if err != nil {
		t.Fatal(err)
	}

	rc, err := src.Resolve(context.Background(), upgrade.TargetRC)
	if err != nil || rc.Version != "19.03.0-rc3" {
		t.Fatalf("rc = %+v, %v", rc, err)
	}
	master, err := src.Resolve(context.Background(), upgrade.TargetMaster)
	if err != nil || master.URL != "http://127.0.0.1/docker-"+head+".tgz" {
		t.Fatalf("master = %+v, %v", master, err)
	}
}

func TestParseFlagsRefusesABadRepo(t *testing.T) {
	if _, err := parseFlags([]string{"-repo", "docker"}); err == nil {
		t.Fatal("took -repo docker")
	}
}
