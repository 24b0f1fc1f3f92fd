package followup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/store"
)

// errDown stands for Jenkins not answering.
type errDown struct{}

func (errDown) Error() string { return "GET /queue/api/json: connection refused" }
func (errDown) Brief() string { return "Jenkins is unreachable" }

// same fails the test unless got equals want.
func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func TestFollowReportsStartAndEnd(t *testing.T) {
	r := newRig(t)
	r.follow(t, 101, "docker-pr", 1234)
	same(t, "stored at once", r.stored(t), []string{"000000000101"})

	same(t, "while waiting", r.poll(t), nil)

	n := r.j.start(101, r.clock.Now())
	same(t, "started", r.poll(t), []string{"#fleet alice: docker-pr #1 for PR 1234 started on dm-3: http://jenkins/job/docker-pr/1/"})
	if got := r.e.Open(); len(got) != 1 || got[0].State != StateRunning || got[0].Build != n {
		t.Fatalf("open after start: %+v", got)
	}
	same(t, "while running", r.poll(t), nil)

	r.j.finish("docker-pr", n, "FAILURE", 4*time.Minute+12*time.Second)
	same(t, "ended", r.poll(t), []string{"#fleet alice: docker-pr #1 for PR 1234 ended: FAILURE after 4m12s: http://jenkins/job/docker-pr/1/"})
	same(t, "stored after the end", r.stored(t), nil)
	if len(r.e.Open()) != 0 {
		t.Fatalf("still open: %+v", r.e.Open())
	}
}

func TestFollowOutcomes(t *testing.T) {
	tests := []struct {
		name   string
		act    func(r *rig)
		want   []string
		stored []string
	}{
		{
			name: "started and ended between two rounds",
			act: func(r *rig) {
				n := r.j.start(101, r.clock.Now())
				r.j.finish("docker-pr", n, "SUCCESS", 90*time.Second)
			},
			want: []string{
				"#fleet alice: docker-pr #1 for PR 1234 started on dm-3: http://jenkins/job/docker-pr/1/",
				"#fleet alice: docker-pr #1 for PR 1234 ended: SUCCESS after 1m30s: http://jenkins/job/docker-pr/1/",
			},
		},
		{
			name: "cancelled in the queue",
			act:  func(r *rig) { r.j.cancel(101) },
			want: []string{"#fleet alice: docker-pr for PR 1234 (queue item 101) was cancelled before it started"},
		},
		{
			name: "queue item forgotten, build found by queue id",
			act: func(r *rig) {
				r.j.start(101, r.clock.Now())
				r.j.forget(101)
			},
			want:   []string{"#fleet alice: docker-pr #1 for PR 1234 started on dm-3: http://jenkins/job/docker-pr/1/"},
			stored: []string{"000000000101"},
		},
		{
			name: "queue item forgotten and no build",
			act: func(r *rig) {
				r.j.cancel(101)
				r.j.forget(101)
			},
			want: []string{"#fleet alice: lost track of docker-pr for PR 1234: Jenkins no longer knows queue item 101"},
		},
		{
			name: "waited past the queue limit",
			act:  func(r *rig) { r.clock.Add(12 * time.Hour) },
			want: []string{"#fleet alice: stopped following docker-pr for PR 1234 (queue item 101): " +
				"still in the queue after 12h (Waiting for next available executor)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.follow(t, 101, "docker-pr", 1234)
			tt.act(r)
			same(t, "lines", r.poll(t), tt.want)
			same(t, "stored", r.stored(t), tt.stored)
		})
	}
}

func TestRunningBuildGoneOrTooLong(t *testing.T) {
	tests := []struct {
		name string
		act  func(r *rig)
		want string
	}{
		{
			name: "deleted while it ran",
			act:  func(r *rig) { r.j.builds["docker-pr"] = nil },
			want: "#fleet alice: lost track of docker-pr #1 for PR 1234: Jenkins no longer has it " +
				"(docker-pr #1: no longer in Jenkins); see http://jenkins/job/docker-pr/1/",
		},
		{
			name: "ran past the build limit",
			act:  func(r *rig) { r.clock.Add(24 * time.Hour) },
			want: "#fleet alice: stopped following docker-pr #1 for PR 1234: still running after 24h: " +
				"http://jenkins/job/docker-pr/1/",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.follow(t, 101, "docker-pr", 1234)
			r.j.start(101, r.clock.Now())
			r.poll(t)

			tt.act(r)
			same(t, "lines", r.poll(t), []string{tt.want})
			same(t, "stored", r.stored(t), nil)
		})
	}
}

func TestReplacedDuplicate(t *testing.T) {
	tests := []struct {
		name   string
		who    string
		target string
		want   []string
	}{
		{name: "same person, same place", who: "alice", target: "#fleet", want: nil},
		{name: "someone else", who: "bob", target: "#fleet",
			want: []string{"#fleet alice: docker-pr for PR 1234 (queue item 101) was replaced by bob's rebuild (queue item 105)"}},
		{name: "same person, elsewhere", who: "alice", target: "alice",
			want: []string{"#fleet alice: docker-pr for PR 1234 (queue item 101) was replaced by alice's rebuild (queue item 105)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.follow(t, 101, "docker-pr", 1234)
			r.j.cancel(101)
			r.followAs(t, 105, "docker-pr", 1234, tt.who, tt.target)

			same(t, "lines", r.poll(t), tt.want)
			same(t, "stored", r.stored(t), []string{"000000000105"})
		})
	}
}

func TestPrivateFollowUpIsNotAddressed(t *testing.T) {
	r := newRig(t)
	r.followAs(t, 101, "docker-pr", 1234, "alice", "alice")
	r.e.mu.Lock()
	r.e.open[101].rec.Private = true
	r.e.mu.Unlock()

	r.j.start(101, r.clock.Now())
	same(t, "lines", r.poll(t), []string{"alice docker-pr #1 for PR 1234 started on dm-3: http://jenkins/job/docker-pr/1/"})
}

func TestJenkinsDownThenBack(t *testing.T) {
	r := newRig(t)
	r.follow(t, 101, "docker-pr", 1234)
	r.j.start(101, r.clock.Now())
	r.poll(t)

	r.j.setErr(errDown{})
	for range 3 {
		if r.e.Poll(context.Background(), r.out) {
			t.Fatal("a round with Jenkins down reported healthy")
		}
		r.clock.Add(5 * time.Minute)
	}
	same(t, "lines while down", r.out.take(), nil)

	r.j.setErr(nil)
	r.j.finish("docker-pr", 1, "SUCCESS", time.Hour)
	same(t, "after", r.poll(t), []string{"#fleet alice: docker-pr #1 for PR 1234 ended: SUCCESS after 1h: http://jenkins/job/docker-pr/1/"})
}

func TestJenkinsDownTooLongLosesTrack(t *testing.T) {
	r := newRig(t)
	r.follow(t, 101, "docker-pr", 1234)
	r.j.setErr(errDown{})

	r.poll(t)
	r.clock.Add(29 * time.Minute)
	same(t, "before the limit", r.poll(t), nil)

	r.clock.Add(time.Minute)
	same(t, "at the limit", r.poll(t), []string{
		"#fleet alice: lost track of docker-pr for PR 1234: no answer from Jenkins for 30m (Jenkins is unreachable)"})
	same(t, "stored", r.stored(t), nil)
}

func TestLinesKeptWhenTheReplierRefuses(t *testing.T) {
	r := newRig(t)
	r.follow(t, 101, "docker-pr", 1234)
	n := r.j.start(101, r.clock.Now())
	r.j.finish("docker-pr", n, "SUCCESS", time.Minute)

	r.out.err = errors.New("replier closed")
	r.poll(t)
	same(t, "stored while refused", r.stored(t), []string{"000000000101"})

	r.out.err = nil
	if got := r.poll(t); len(got) != 2 {
		t.Fatalf("after the replier came back: %q", got)
	}
	same(t, "stored", r.stored(t), nil)
}

func TestResumeAfterRestart(t *testing.T) {
	r := newRig(t)
	r.follow(t, 101, "docker-pr", 1234)
	r.follow(t, 102, "docker-pr-experimental", 1234)
	r.j.start(101, r.clock.Now())
	r.poll(t)

	// A new engine over the same store: gordon restarted.
	r.e = r.engine(t)
	n, err := r.e.Resume(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("Resume = %d, %v; want 2", n, err)
	}
	if n, _ := r.e.Resume(context.Background()); n != 0 {
		t.Fatalf("second Resume loaded %d again", n)
	}

	r.j.finish("docker-pr", 1, "UNSTABLE", time.Minute)
	r.j.start(102, r.clock.Now())
	same(t, "after the restart", r.poll(t), []string{
		"#fleet alice: docker-pr #1 for PR 1234 ended: UNSTABLE after 1m: http://jenkins/job/docker-pr/1/",
		"#fleet alice: docker-pr-experimental #1 for PR 1234 started on dm-3: http://jenkins/job/docker-pr-experimental/1/",
	})
}

func TestResumeSkipsBadRecords(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	bad := map[string]string{
		Key(7):   "{not json",
		Key(8):   `{"job":"docker-pr","queue_id":8,"target":"#fleet","state":"exploded"}`,
		Key(9):   `{"job":"docker-pr","queue_id":10,"target":"#fleet","state":"queued"}`,
		Key(11):  `{"job":"docker-pr","queue_id":11,"target":"#fleet","state":"running"}`,
		Key(101): `{"job":"docker-pr","queue_id":101,"who":"alice","nick":"alice","target":"#fleet","state":"queued"}`,
	}
	for k, v := range bad {
		if err := r.store.Put(ctx, k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}

	n, err := r.e.Resume(ctx)
	if err != nil || n != 1 || r.e.Open()[0].QueueID != 101 {
		t.Fatalf("Resume = %d, %v, open %+v; want only 101", n, err, r.e.Open())
	}
}

func TestFollowTwiceKeepsTheFirst(t *testing.T) {
	r := newRig(t)
	r.follow(t, 101, "docker-pr", 1234)
	f := commands.Followup{Job: "docker-pr", QueueID: 101, PR: 1234, Who: "bob", Nick: "bob", Target: "#fleet"}
	if err := r.e.Follow(context.Background(), f); err != nil {
		t.Fatalf("second Follow: %v", err)
	}
	if got := r.e.Open(); len(got) != 1 || got[0].Who != "alice" {
		t.Fatalf("open: %+v", got)
	}
}

func TestFollowRefusesWhatItCannotStore(t *testing.T) {
	tests := []struct {
		name string
		f    commands.Followup
		st   func(*store.Memory)
	}{
		{name: "no queue id", f: commands.Followup{Job: "docker-pr", Target: "#fleet"}},
		{name: "no target", f: commands.Followup{Job: "docker-pr", QueueID: 3}},
		{name: "store closed", f: commands.Followup{Job: "docker-pr", QueueID: 3, Target: "#fleet"},
			st: func(m *store.Memory) { m.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			if tt.st != nil {
				tt.st(r.store)
			}
			if err := r.e.Follow(context.Background(), tt.f); err == nil {
				t.Fatal("Follow succeeded")
			}
			if len(r.e.Open()) != 0 {
				t.Fatalf("open: %+v", r.e.Open())
			}
		})
	}
}

// TestManyFollowUpsCostFewRequests checks the shape of a round: however
// many builds are followed, it reads the queue once and each job once.
func TestManyFollowUpsCostFewRequests(t *testing.T) {
	r := newRig(t)
	jobs := []string{"docker-pr", "docker-pr-experimental"}
	for i := range 500 {
		id := int64(1000 + i)
		r.follow(t, id, jobs[i%2], 2000+i)
		if i%5 != 0 {
			r.j.start(id, r.clock.Now())
		}
	}
	r.poll(t)
	r.j.takeCalls()

	r.poll(t)
	same(t, "calls of a quiet round", r.j.takeCalls(), []string{
		"Queue", "Builds docker-pr 220", "Builds docker-pr-experimental 220"})
}

func TestRunStopsWithItsContext(t *testing.T) {
	r := newRig(t)
	r.follow(t, 101, "docker-pr", 1234)
	r.j.start(101, r.clock.Now())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.e.Run(ctx, r.out) }()

	// Run's first round reports the start; stop it once that is seen.
	for r.e.Open()[0].State != StateRunning {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	same(t, "lines", r.out.take(), []string{
		"#fleet alice: docker-pr #1 for PR 1234 started on dm-3: http://jenkins/job/docker-pr/1/"})
}

func TestHuman(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"under a second", 300 * time.Millisecond, "under a second"},
		{"seconds", 42 * time.Second, "42s"},
		{"minutes", 4*time.Minute + 12*time.Second, "4m12s"},
		{"whole minutes", 3 * time.Minute, "3m"},
		{"hours and minutes", time.Hour + 2*time.Minute, "1h2m"},
		{"whole hours", 12 * time.Hour, "12h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := human(tt.d); got != tt.want {
				t.Fatalf("human(%s) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestKeySortsByQueueID(t *testing.T) {
	keys := []string{Key(1001), Key(99), Key(100)}
	slices.Sort(keys)
	same(t, "keys", keys, []string{Key(99), Key(100), Key(1001)})
	if got := fmt.Sprint(Key(57)); got != "followup/000000000057" {
		t.Fatalf("Key(57) = %q", got)
	}
}
