package gating

import (
	"context"
	"testing"
	"time"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/followup"
	"github.com/gordonbot/gordon/integrations/github"
	"github.com/gordonbot/gordon/store"
)

func TestFinalStatus(t *testing.T) {
	rec := followup.Record{Job: "docker-pr", QueueID: 7, URL: "http://ci/job/docker-pr/3/"}
	build := commands.JenkinsBuild{Number: 3, URL: "http://ci/job/docker-pr/3/", Duration: 4*time.Minute + 12*time.Second}
	tests := []struct {
		outcome string
		build   commands.JenkinsBuild
		state   string
		desc    string
	}{
		{"success", build, "success", "SUCCESS after 4m12s"},
		{"unstable", build, "failure", "UNSTABLE after 4m12s"},
		{"failure", build, "failure", "FAILURE after 4m12s"},
		{"aborted", commands.JenkinsBuild{Duration: 10 * time.Second}, "error", "ABORTED after 10s"},
		{followup.OutcomeCancelled, commands.JenkinsBuild{}, "error", "cancelled before it started"},
		{followup.OutcomeLost, commands.JenkinsBuild{}, "error", "gordon lost track of the build"},
		{followup.OutcomeGaveUp, commands.JenkinsBuild{}, "error", "gordon stopped following the build: it took too long"},
	}
	for _, tt := range tests {
		t.Run(tt.outcome, func(t *testing.T) {
			st := finalStatus(followup.Closed{Record: rec, Outcome: tt.outcome, Build: tt.build})
			if st.State != tt.state || st.Description != tt.desc || st.Context != "gordon/docker-pr" ||
				st.TargetURL != "http://ci/job/docker-pr/3/" {
				t.Fatalf("status %+v", st)
			}
		})
	}
}

func TestHuman(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "under a second", 10 * time.Second: "10s", time.Minute: "1m", 4*time.Minute + 10*time.Second: "4m10s",
		time.Hour: "1h", time.Hour + 2*time.Minute: "1h2m",
	} {
		if got := human(d); got != want {
			t.Errorf("human(%s) = %q, want %q", d, got, want)
		}
	}
}

// flakyStatuses is a StatusSetter that fails while err is set.
type flakyStatuses struct {
	err error
	set []github.Status
}

func (f *flakyStatuses) SetStatus(ctx context.Context, repo, sha string, s github.Status) error {
	if f.err != nil {
		return f.err
	}
	f.set = append(f.set, s)
	return nil
}

func TestFinalStatusIsRetried(t *testing.T) {
	api := &flakyStatuses{}
	st := store.NewMemory()
	s, err := NewStatuses(StatusOptions{API: api, Store: st, Repos: []string{repo}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b := Build{Repo: repo, PR: number, SHA: headA, Job: "docker-pr", QueueID: 101}
	if err := s.Track(ctx, b); err != nil {
		t.Fatal(err)
	}

	api.err = &github.APIError{Status: 502}
	s.FollowupClosed(ctx, followup.Closed{Record: followup.Record{Job: "docker-pr", QueueID: 101}, Outcome: "success",
		Build: commands.JenkinsBuild{Number: 1, URL: "http://ci/1/"}})
	if kept, ok, _ := s.load(ctx, 101); !ok || kept.Final == nil || kept.Final.State != "success" {
		t.Fatalf("kept %+v, %v", kept, ok)
	}

	api.err = nil
	if err := s.Retry(ctx); err != nil {
		t.Fatal(err)
	}
	if len(api.set) != 2 || api.set[1].State != "success" {
		t.Fatalf("set %+v", api.set)
	}
	if _, ok, _ := s.load(ctx, 101); ok {
		t.Fatal("still tracked after the retry")
	}

	// A follow-up gating does not track is left alone.
	s.FollowupClosed(ctx, followup.Closed{Record: followup.Record{Job: "docker-pr", QueueID: 999}, Outcome: "failure"})
	if len(api.set) != 2 {
		t.Fatalf("set %+v", api.set)
	}
}

func TestTrackForgetsOlderBuildsOfTheSameCommit(t *testing.T) {
	api := &flakyStatuses{}
	s, _ := NewStatuses(StatusOptions{API: api, Store: store.NewMemory(), Repos: []string{repo}})
	ctx := context.Background()
	for _, id := range []int64{101, 102} {
		if err := s.Track(ctx, Build{Repo: repo, PR: number, SHA: headA, Job: "docker-pr", QueueID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Track(ctx, Build{Repo: repo, PR: number, SHA: headB, Job: "docker-pr", QueueID: 103}); err != nil {
		t.Fatal(err)
	}

	all, _ := s.all(ctx)
	same(t, "tracked", len(all), 2)
	same(t, "kept", []int64{all[0].QueueID, all[1].QueueID}, []int64{102, 103})
}
