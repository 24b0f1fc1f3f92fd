package gating

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

// TestSignedPullRequestIsBuilt follows a signed pull request from the
// delivery to the statuses of its builds' ends, counting the API calls.
func TestSignedPullRequestIsBuilt(t *testing.T) {
	r := newRig(t, 2, signed(headA, 3))
	r.mustDeliver(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3))

	same(t, "calls while gating", r.calls(0), []string{
		"GET /pulls/14021/commits",
		"POST /statuses/A",
		"POST /statuses/A",
		"POST /statuses/A",
	})
	same(t, "statuses", r.latest(headA), map[string]string{
		"gordon/sign-off":               "success: all 2 commits are signed off; 1 merge needs none",
		"gordon/docker-pr":              "pending: queued as item 101",
		"gordon/docker-pr-experimental": "pending: queued as item 102",
	})
	same(t, "active", r.active(t), []string{"docker-pr 0d1e2f3a4b #1", "docker-pr-experimental 0d1e2f3a4b #1"})
	if posts := r.sim.Posts(); posts[0].Form.Get("GORDON_USER") != "github:bob-contrib" || posts[0].Form.Get("PR") != "14021" {
		t.Fatalf("queued with %v", posts[0].Form)
	}

	// The builds start, then end: one passes, one fails.
	r.poll(t)
	r.clock.Add(4 * time.Minute)
	if err := r.sim.Finish("docker-pr", 1, jenkinstest.Success); err != nil {
		t.Fatal(err)
	}
	if err := r.sim.Finish("docker-pr-experimental", 1, jenkinstest.Failure); err != nil {
		t.Fatal(err)
	}
	r.poll(t)

	latest := r.api.Latest(repo, headA)
	if st := latest["gordon/docker-pr"]; st.State != "success" || !strings.HasPrefix(st.Description, "SUCCESS after 4m") ||
		!strings.HasSuffix(st.TargetURL, "/job/docker-pr/1/") {
		t.Fatalf("docker-pr status %+v", st)
	}
	if st := latest["gordon/docker-pr-experimental"]; st.State != "failure" || !strings.Contains(st.TargetURL, "/1/") {
		t.Fatalf("docker-pr-experimental status %+v", st)
	}
	same(t, "calls for a signed pull request", len(r.calls(0)), 6)
	same(t, "comments", len(r.api.Comments(repo, number)), 0)
	same(t, "irc", r.irc.lines, []string(nil))
	r.inboxEmpty(t)
}

// TestUnsignedPullRequestIsToldOncePerHead checks the sign-off failure,
// the one comment per head commit, and that nothing is built.
func TestUnsignedPullRequestIsToldOncePerHead(t *testing.T) {
	r := newRig(t, 2, signed(headA, 3, 0, 1))
	r.mustDeliver(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3))

	same(t, "calls", r.calls(0), []string{"GET /pulls/14021/commits", "POST /statuses/A", "POST /issues/14021/comments"})
	same(t, "statuses", r.latest(headA), map[string]string{"gordon/sign-off": "failure: not signed off: 0d1e2f3a4b"})
	comments := r.api.Comments(repo, number)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "- 0d1e2f3a4b `storage: change 0`") ||
		strings.Contains(comments[0].Body, "Merge branch") || !strings.Contains(comments[0].Body, "git rebase --signoff origin/master") {
		t.Fatalf("comments %+v", comments)
	}
	same(t, "active", r.active(t), []string(nil))

	// Reopened on the same head, and a redelivery: no second comment.
	// The commits are read again conditionally: a 304, which costs no
	// quota.
	from := r.mark()
	r.mustDeliver(t, "pull_request", "d-reopened", prBody(t, actionReopened, headA, 3))
	reqs := r.api.Requests()[from:]
	if len(reqs) != 2 || reqs[0].Status != 304 || !reqs[0].Conditional || reqs[1].Status != 201 {
		t.Fatalf("calls for reopening: %+v", reqs)
	}
	if code := r.post(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3)); code != 202 {
		t.Fatalf("redelivery answered %d", code)
	}
	same(t, "comments after reopening", len(r.api.Comments(repo, number)), 1)

	// A push of a new head, still unsigned: one comment for it.
	r.clock.Add(time.Minute)
	r.api.SetPull(repo, number, signed(headB, 4, 2))
	r.mustDeliver(t, "pull_request", "d-sync", prBody(t, actionSynchronize, headB, 4))
	same(t, "comments after a push", len(r.api.Comments(repo, number)), 2)
	same(t, "statuses of the new head", r.latest(headB), map[string]string{
		"gordon/sign-off": "failure: not signed off: 9e8d7c6b5a"})
	r.inboxEmpty(t)
}

// TestSynchronizeReplacesBuildsOfTheOldHead pushes while one build of
// the old head runs and the other waits for an executor.
func TestSynchronizeReplacesBuildsOfTheOldHead(t *testing.T) {
	r := newRig(t, 1, signed(headA, 3))
	r.mustDeliver(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3))
	r.poll(t)
	same(t, "before the push", r.active(t), []string{"docker-pr 0d1e2f3a4b #1", "docker-pr-experimental 0d1e2f3a4b waiting"})

	r.clock.Add(time.Minute)
	r.api.SetPull(repo, number, signed(headB, 4))
	from := r.mark()
	r.mustDeliver(t, "pull_request", "d-sync", prBody(t, actionSynchronize, headB, 4))

	same(t, "calls for the push", r.calls(from), []string{
		"GET /pulls/14021/commits", "POST /statuses/B", "POST /statuses/B", "POST /statuses/B"})
	aborted := false
	for _, p := range r.sim.Posts() {
		if strings.HasSuffix(p.Path, "/job/docker-pr/1/stop") {
			aborted = true
		}
	}
	if !aborted {
		t.Fatalf("the old head's running build was not stopped: %+v", r.sim.Posts())
	}
	same(t, "after the push", r.active(t), []string{"docker-pr 9e8d7c6b5a #2", "docker-pr-experimental 9e8d7c6b5a waiting"})

	// The follow-ups see the old builds end: their statuses say so, on
	// the old head; the new head's stay pending.
	r.poll(t)
	same(t, "old head", r.latest(headA), map[string]string{
		"gordon/sign-off":               "success: all 2 commits are signed off; 1 merge needs none",
		"gordon/docker-pr":              "error: ABORTED after 1m",
		"gordon/docker-pr-experimental": "error: replaced by a newer build",
	})
	same(t, "new head", r.latest(headB)["gordon/docker-pr"], "pending: queued as item 103")
	r.inboxEmpty(t)
}

// TestRebuildComments runs /rebuild for a writer, refuses a reader, and
// never runs a quoted command.
func TestRebuildComments(t *testing.T) {
	r := newRig(t, 4, signed(headA, 3))
	r.mustDeliver(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3))
	r.poll(t)

	// A reader is told why not; nothing is queued.
	from := r.mark()
	r.mustDeliver(t, "issue_comment", "c-reader", commentBody(t, "carol-reader", "LGTM\n/rebuild"))
	same(t, "calls for a reader", r.calls(from), []string{
		"GET /collaborators/carol-reader/permission", "POST /issues/14021/comments"})
	last := r.lastComment(t)
	if !strings.HasPrefix(last, "@carol-reader: /rebuild is for people who can push to docker/docker") {
		t.Fatalf("answer to a reader: %q", last)
	}

	// A writer rebuilds one job: the rebuild command runs and answers in
	// a comment; the job's status goes back to pending.
	from = r.mark()
	r.mustDeliver(t, "issue_comment", "c-writer", commentBody(t, "alice-maint", "Flaky.\r\n/rebuild docker-pr\r\n"))
	same(t, "calls for a writer", r.calls(from), []string{
		"GET /collaborators/alice-maint/permission", "POST /statuses/A", "POST /issues/14021/comments"})
	same(t, "answer", r.lastComment(t),
		"PR 14021: queued docker-pr (queue item 103); I'll report here when it starts and ends")
	same(t, "status", r.latest(headA)["gordon/docker-pr"], "pending: queued as item 103")
	if p := r.sim.Posts(); p[len(p)-1].Form.Get("GORDON_USER") != "github:alice-maint" {
		t.Fatalf("rebuild queued as %q", p[len(p)-1].Form.Get("GORDON_USER"))
	}

	// Its reports become comments; its end sets the status.
	r.poll(t)
	if err := r.sim.Finish("docker-pr", 2, jenkinstest.Success); err != nil {
		t.Fatal(err)
	}
	r.poll(t)
	if got := r.lastComment(t); !strings.HasPrefix(got, "alice-maint: docker-pr #2 for PR 14021 ended: SUCCESS") {
		t.Fatalf("last report: %q", got)
	}
	same(t, "status after the rebuild", r.latest(headA)["gordon/docker-pr"][:8], "success:")

	// A second comment within the TTL asks GitHub nothing more.
	from = r.mark()
	r.mustDeliver(t, "issue_comment", "c-writer-2", commentBody(t, "alice-maint", "/rebuild job docker-pr-experimental"))
	for _, c := range r.calls(from) {
		if strings.Contains(c, "permission") {
			t.Fatalf("permission asked again: %v", r.calls(from))
		}
	}
	r.inboxEmpty(t)
}

func TestQuotedRebuildNeverRuns(t *testing.T) {
	bodies := map[string]string{
		"quote":          "> /rebuild\nplease don't",
		"fenced":         "```\n/rebuild\n```",
		"tilde fence":    "~~~~sh\n/rebuild docker-pr\n~~~~",
		"indented":       "    /rebuild",
		"html comment":   "<!--\n/rebuild\n-->",
		"in a sentence":  "could someone /rebuild this?",
		"other command":  "/rebuilds",
		"inline code":    "`/rebuild`",
		"bot":            "/rebuild",
		"not a pull":     "/rebuild",
		"edited not new": "/rebuild",
	}
	r := newRig(t, 2, signed(headA, 3))
	for name, text := range bodies {
		t.Run(name, func(t *testing.T) {
			body := edit(t, "issue_comment.json", func(m map[string]any) {
				m["comment"].(map[string]any)["body"] = text
				switch name {
				case "bot":
					m["comment"].(map[string]any)["user"].(map[string]any)["type"] = "Bot"
				case "not a pull":
					delete(m["issue"].(map[string]any), "pull_request")
				case "edited not new":
					m["action"] = "edited"
				}
			})
			from := r.mark()
			if code := r.post(t, "issue_comment", "q-"+strings.ReplaceAll(name, " ", "-"), body); code != 202 {
				t.Fatalf("answered %d", code)
			}
			if err := <-r.handled; err != nil {
				t.Fatalf("handled with %v", err)
			}
			same(t, "calls", r.calls(from), []string(nil))
			r.inboxEmpty(t)
		})
	}
	same(t, "active", r.active(t), []string(nil))
}

// TestRateLimitHit meets GitHub's rate limit: a reset soon is waited
// for; a reset far away leaves the delivery in the inbox until then.
func TestRateLimitHit(t *testing.T) {
	t.Run("reset soon", func(t *testing.T) {
		r := newRig(t, 2, signed(headA, 3))
		r.api.Exhaust(r.clock.Now().Add(5 * time.Second))
		r.mustDeliver(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3))

		same(t, "statuses", len(r.latest(headA)), 3)
		same(t, "first call refused, then waited for", r.api.Requests()[0].Status, 403)
	})

	t.Run("reset far away", func(t *testing.T) {
		r := newRig(t, 2, signed(headA, 3))
		r.api.Exhaust(r.clock.Now().Add(40 * time.Minute))
		err := r.deliver(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3))
		if err == nil || !strings.Contains(err.Error(), "rate limit") {
			t.Fatalf("handled with %v, want the rate limit", err)
		}
		same(t, "calls", len(r.api.Requests()), 1)
		same(t, "active", r.active(t), []string(nil))
		entries, _ := r.inbox.pending(context.Background())
		if e, ok := entries["d-opened"]; !ok || e.Attempts != 1 {
			t.Fatalf("inbox %+v", entries)
		}

		// Too early, nothing happens; after the reset, the delivery is
		// acted on.
		r.gate.Replay(context.Background())
		same(t, "calls before the wait", len(r.api.Requests()), 1)
		r.clock.Add(41 * time.Minute)
		r.gate.Replay(context.Background())
		same(t, "statuses after the reset", len(r.latest(headA)), 3)
		same(t, "active after the reset", len(r.active(t)), 2)
		r.inboxEmpty(t)
	})
}

// TestCrashAfterAnswerIsResumed answers GitHub, dies before acting, and
// acts after the restart.
func TestCrashAfterAnswerIsResumed(t *testing.T) {
	r := newRig(t, 2, signed(headA, 3))
	r.crashed.Store(true)
	r.mustDeliver(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3))

	if _, err := r.store.Get(context.Background(), prefixInbox+"d-opened"); err != nil {
		t.Fatalf("the delivery is not in the store after the answer: %v", err)
	}
	same(t, "calls before the restart", len(r.api.Requests()), 0)

	// gordon comes back over the same store.
	r.clock.Add(time.Minute)
	r.wire(t, r.store)
	r.gate.Replay(context.Background())
	same(t, "statuses after the restart", len(r.latest(headA)), 3)
	same(t, "active after the restart", len(r.active(t)), 2)
	r.inboxEmpty(t)

	// A redelivery of it is not acted on again.
	if code := r.post(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3)); code != 202 {
		t.Fatalf("redelivery answered %d", code)
	}
	same(t, "active after a redelivery", len(r.active(t)), 2)
}

// TestOutOfOrderDeliveryIsStale handles an older push after a newer one.
func TestOutOfOrderDeliveryIsStale(t *testing.T) {
	r := newRig(t, 2, signed(headB, 4))
	newer := prBody(t, actionSynchronize, headB, 4)
	older := prBody(t, actionOpened, headA, 3)

	r.clock.Add(time.Minute)
	r.mustDeliver(t, "pull_request", "d-newer", newer)
	r.clock.Add(-2 * time.Minute)
	from := r.mark()
	r.mustDeliver(t, "pull_request", "d-older", older)
	same(t, "calls for the older delivery", r.calls(from), []string(nil))
	same(t, "old head untouched", len(r.latest(headA)), 0)
}

// TestTooManyCommitsAreNotBuilt refuses what cannot be checked.
func TestTooManyCommitsAreNotBuilt(t *testing.T) {
	r := newRig(t, 2, signed(headA, 3))
	r.mustDeliver(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 300))

	same(t, "calls", r.calls(0), []string{"POST /statuses/A"})
	same(t, "statuses", r.latest(headA), map[string]string{
		"gordon/sign-off": "error: over 250 commits: too many to check; split the pull request"})
	same(t, "active", r.active(t), []string(nil))
}

// TestClosedPullRequestStopsItsBuilds closes a pull request while its
// builds wait.
func TestClosedPullRequestStopsItsBuilds(t *testing.T) {
	r := newRig(t, 0, signed(headA, 3))
	r.mustDeliver(t, "pull_request", "d-opened", prBody(t, actionOpened, headA, 3))
	same(t, "waiting", len(r.active(t)), 2)

	r.clock.Add(time.Minute)
	r.mustDeliver(t, "pull_request", "d-closed", prBody(t, actionClosed, headA, 3))
	same(t, "waiting after closing", r.active(t), []string(nil))
}

func TestDeliveryIsStoredBeforeTheAnswer(t *testing.T) {
	r := newRig(t, 2, signed(headA, 3))
	r.crashed.Store(true)
	body := prBody(t, actionOpened, headA, 3)
	if code := r.post(t, "pull_request", "d-opened", body); code != 202 {
		t.Fatalf("answered %d", code)
	}

	// Checked before the handler had a chance to run: the receiver
	// wrote it before answering.
	ctx := context.Background()
	for _, key := range []string{prefixInbox + "d-opened", "github/deliveries/d-opened"} {
		if _, err := r.store.Get(ctx, key); err != nil {
			t.Fatalf("%s not stored at the answer: %v", key, err)
		}
	}
	<-r.handled
}

// inboxEmpty fails the test when a delivery is left in the inbox.
func (r *rig) inboxEmpty(t *testing.T) {
	t.Helper()
	entries, err := r.inbox.pending(context.Background())
	if err != nil || len(entries) != 0 {
		t.Fatalf("inbox: %v, %v", entries, err)
	}
}

// lastComment returns the body of the last comment on the pull request.
func (r *rig) lastComment(t *testing.T) string {
	t.Helper()
	c := r.api.Comments(repo, number)
	if len(c) == 0 {
		t.Fatal("no comment")
	}
	return c[len(c)-1].Body
}
