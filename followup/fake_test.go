package followup

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gordonbot/gordon/commands"
	"github.com/gordonbot/gordon/store"
)

// fakeJenkins is a Jenkins the tests change by hand. It records every
// call.
type fakeJenkins struct {
	mu      sync.Mutex
	waiting map[int64]commands.JenkinsQueueItem
	left    map[int64]commands.JenkinsQueueItem
	builds  map[string][]commands.JenkinsBuild // oldest first
	err     error                              // when set, every call fails with it
	calls   []string
}

func newFakeJenkins() *fakeJenkins {
	return &fakeJenkins{waiting: map[int64]commands.JenkinsQueueItem{},
		left: map[int64]commands.JenkinsQueueItem{}, builds: map[string][]commands.JenkinsBuild{}}
}

// enqueue puts item id of job in the queue.
func (f *fakeJenkins) enqueue(id int64, job string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waiting[id] = commands.JenkinsQueueItem{ID: id, Job: job, Why: "Waiting for next available executor"}
}

// start turns item id into the next build of its job and returns its
// number.
func (f *fakeJenkins) start(id int64, at time.Time) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()

	it := f.waiting[id]
	delete(f.waiting, id)
	n := int64(len(f.builds[it.Job]) + 1)
	url := fmt.Sprintf("http://jenkins/job/%s/%d/", it.Job, n)
	it.Build, it.BuildURL = n, url
	f.left[id] = it
	f.builds[it.Job] = append(f.builds[it.Job], commands.JenkinsBuild{Job: it.Job, Number: n, URL: url,
		Building: true, Started: at, BuiltOn: "dm-3", QueueID: id})
	return n
}

// finish ends build n of job.
func (f *fakeJenkins) finish(job string, n int64, result string, took time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := &f.builds[job][n-1]
	b.Building, b.Result, b.Duration = false, result, took
}

// cancel takes item id out of the queue.
func (f *fakeJenkins) cancel(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it := f.waiting[id]
	delete(f.waiting, id)
	it.Cancelled = true
	f.left[id] = it
}

// forget drops what Jenkins knew of item id, as it does a while after
// the item left the queue.
func (f *fakeJenkins) forget(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.left, id)
}

func (f *fakeJenkins) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// takeCalls returns the calls so far and forgets them.
func (f *fakeJenkins) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}

func (f *fakeJenkins) record(format string, args ...any) error {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	return f.err
}

func (f *fakeJenkins) Queue(ctx context.Context) ([]commands.JenkinsQueueItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Queue"); err != nil {
		return nil, err
	}

	var items []commands.JenkinsQueueItem
	for _, it := range f.waiting {
		items = append(items, it)
	}
	return items, nil
}

func (f *fakeJenkins) QueueItem(ctx context.Context, id int64) (commands.JenkinsQueueItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("QueueItem %d", id); err != nil {
		return commands.JenkinsQueueItem{}, err
	}

	if it, ok := f.waiting[id]; ok {
		return it, nil
	}
	if it, ok := f.left[id]; ok {
		return it, nil
	}
	return commands.JenkinsQueueItem{}, fmt.Errorf("queue item %d: %w", id, ErrGone)
}

func (f *fakeJenkins) Builds(ctx context.Context, job string, n int) ([]commands.JenkinsBuild, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Builds %s %d", job, n); err != nil {
		return nil, err
	}

	all := slices.Clone(f.builds[job])
	slices.Reverse(all)
	return all[:min(n, len(all))], nil
}

func (f *fakeJenkins) Build(ctx context.Context, job string, number int64) (commands.JenkinsBuild, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("Build %s %d", job, number); err != nil {
		return commands.JenkinsBuild{}, err
	}

	if number < 1 || int(number) > len(f.builds[job]) {
		return commands.JenkinsBuild{}, fmt.Errorf("%s #%d: %w", job, number, ErrGone)
	}
	return f.builds[job][number-1], nil
}

// recorder is a Replier that keeps what it is sent, or refuses with err.
type recorder struct {
	mu      sync.Mutex
	replies []commands.Reply
	err     error
}

func (r *recorder) Send(ctx context.Context, reply commands.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.replies = append(r.replies, reply)
	return nil
}

// take returns the lines sent so far, each prefixed with its target, and
// forgets them.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var lines []string
	for _, reply := range r.replies {
		for _, l := range reply.Lines {
			lines = append(lines, reply.Target+" "+l)
		}
	}
	r.replies = nil
	return lines
}

// clock is a test clock that moves when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// rig is an engine with its fakes.
type rig struct {
	e     *Engine
	j     *fakeJenkins
	out   *recorder
	store *store.Memory
	clock *clock
}

// newRig returns an engine over fakes, with the config's defaults and a
// high request rate.
func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{j: newFakeJenkins(), out: &recorder{}, store: store.NewMemory(),
		clock: &clock{now: time.Date(2024, 5, 2, 12, 0, 0, 0, time.UTC)}}
	r.e = r.engine(t)
	return r
}

// engine returns a new engine over the rig's fakes and store.
func (r *rig) engine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Options{Config: Config{MaxRequestsPerSecond: 1000}, Jenkins: r.j, Store: r.store, Now: r.clock.Now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// follow queues item id of job for PR pr in the fake and follows it as
// alice in #fleet.
func (r *rig) follow(t *testing.T, id int64, job string, pr int) {
	t.Helper()
	r.followAs(t, id, job, pr, "alice", "#fleet")
}

func (r *rig) followAs(t *testing.T, id int64, job string, pr int, who, target string) {
	t.Helper()
	r.j.enqueue(id, job)
	f := commands.Followup{Job: job, QueueID: id, PR: pr, Who: who, Nick: who, Target: target, Asked: r.clock.Now()}
	if err := r.e.Follow(context.Background(), f); err != nil {
		t.Fatalf("Follow: %v", err)
	}
}

// poll runs one round and returns the lines it sent.
func (r *rig) poll(t *testing.T) []string {
	t.Helper()
	r.e.Poll(context.Background(), r.out)
	return r.out.take()
}

// stored returns the keys of the stored follow-ups.
func (r *rig) stored(t *testing.T) []string {
	t.Helper()
	entries, err := r.store.List(context.Background(), Prefix)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var keys []string
	for _, e := range entries {
		keys = append(keys, strings.TrimPrefix(e.Key, Prefix))
	}
	return keys
}
