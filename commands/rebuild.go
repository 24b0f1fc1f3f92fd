package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gordonbot/gordon/fleet"
)

// JenkinsQueueItem is an item of Jenkins' build queue: waiting, or
// already left it for a build or a cancellation.
type JenkinsQueueItem struct {
	ID     int64
	Job    string
	Params map[string]string

	// Why says why the item waits, in Jenkins' words.
	Why string

	// Build is the number of the build the item became, 0 until then;
	// Cancelled is set when it was taken out of the queue instead.
	Build     int64
	BuildURL  string
	Cancelled bool
}

// JenkinsAgent is a Jenkins agent, as rebuild pins builds to it.
type JenkinsAgent struct {
	Name    string
	Offline bool

	// Reason is why the agent is offline, as whoever took it offline
	// wrote it; empty when nobody said.
	Reason string
}

// RebuildJenkins is what rebuild needs from Jenkins. Errors a person can
// act on have a method Brief() string, as for Jenkins.
type RebuildJenkins interface {
	// QueueBuild is Jenkins.QueueBuild. Rebuild always passes node "" and
	// pins through the node parameter, which it has checked itself.
	QueueBuild(ctx context.Context, job string, params map[string]string,
		node, who string) (queueID int64, existing bool, err error)

	// Queue returns the items waiting in the queue.
	Queue(ctx context.Context) ([]JenkinsQueueItem, error)

	// CancelQueueItem takes item id out of the queue. An item that had
	// already become a build is returned with Build set and no error.
	CancelQueueItem(ctx context.Context, id int64) (JenkinsQueueItem, error)

	// Agents returns Jenkins' agents, without its built-in node.
	Agents(ctx context.Context) ([]JenkinsAgent, error)
}

// NodeFinder turns selectors on node metadata (kernel=4.*, tag=gpu) into
// node names. The fleet inventory implements it; Jenkins labels are not
// that metadata.
type NodeFinder interface {
	// Nodes returns the names of the nodes matching every selector.
	Nodes(ctx context.Context, sels fleet.Selectors) ([]string, error)
}

// Followup is a build that gordon queued for a person and reports on:
// once when it starts and once when it ends, to them, where they asked.
type Followup struct {
	Job     string
	QueueID int64
	PR      int

	// On is where the build was pinned, as the person wrote it.
	On string

	// Who is the person's identity (Caller.Who); Nick is what they were
	// called when they asked, which the reports address.
	Who  string
	Nick string

	// Target and Private are where the reports go, as for a Reply.
	Target  string
	Private bool

	Asked time.Time
}

// Followups keeps the builds to report on.
type Followups interface {
	// Follow records f durably and returns once it is stored, so that
	// its reports survive a restart. Following a queue item that is
	// already followed is not an error. An error means f is not
	// followed.
	Follow(ctx context.Context, f Followup) error
}

// RebuildOptions configure the rebuild command.
type RebuildOptions struct {
	// PRJobs are rebuilt when no job is named; PRParam carries the pull
	// request number ("PR" when empty), NodeParam the node or label
	// expression to run on ("NODE" when empty).
	PRJobs    []string
	PRParam   string
	NodeParam string

	// Nodes resolves metadata selectors after "on". When nil, only node
	// names and node-name globs, resolved against Jenkins' agents, work.
	Nodes NodeFinder
}

// RebuildCommand returns rebuild, which queues a pull request's jobs on
// j, pinned as asked, and hands each queued build to f to follow. A nil
// f queues without following.
func RebuildCommand(j RebuildJenkins, f Followups, opts RebuildOptions) Command {
	if opts.PRParam == "" {
		opts.PRParam = "PR"
	}
	if opts.NodeParam == "" {
		opts.NodeParam = "NODE"
	}

	r := &rebuildCommand{jenkins: j, followups: f, opts: opts}
	return Command{
		Name:    "rebuild",
		Usage:   "<pr> [job <name>...] [on <node or selector>] [--force]",
		Summary: "re-run a pull request's jobs, replacing queued duplicates, and report when each starts and ends",
		Role:    RoleMaintainer,
		Action:  true,
		Run:     r.run,
	}
}

// rebuildCommand holds what rebuild needs.
type rebuildCommand struct {
	jenkins   RebuildJenkins
	followups Followups
	opts      RebuildOptions
}

// rebuildRequest is a parsed rebuild line.
type rebuildRequest struct {
	pr   int
	jobs []string

	// on holds the selectors after "on", and onText the way they were
	// written.
	on     fleet.Selectors
	onText string

	force bool
}

// parseRebuild reads <pr> [job <name>...] [on <selectors>] [--force];
// the parts after the number come in any order.
func parseRebuild(inv Invocation) (rebuildRequest, error) {
	toks := inv.Tokens
	if len(toks) == 0 || toks[0].Kind != TokenWord {
		return rebuildRequest{}, Usagef("name the pull request first")
	}
	pr, ok := prNumber([]string{toks[0].Text})
	if !ok {
		return rebuildRequest{}, Usagef("%q is not a pull request number", toks[0].Text)
	}

	r := rebuildRequest{pr: pr}
	for i := 1; i < len(toks); {
		var err error
		switch t := toks[i]; {
		case rebuildKeyword(t) == "job":
			i, err = r.readJobs(toks, i+1)
		case rebuildKeyword(t) == "on":
			i, err = r.readOn(toks, i+1)
		case t.Kind == TokenOption:
			i, err = i+1, r.option(t)
		default:
			err = Usagef("unexpected %s: name jobs after job and nodes after on", t.written())
		}
		if err != nil {
			return rebuildRequest{}, err
		}
	}
	return r, nil
}

// rebuildKeyword returns the keyword t is, "job" or "on", or "".
func rebuildKeyword(t Token) string {
	if t.Kind != TokenWord || t.Quoted || (t.Text != "job" && t.Text != "on") {
		return ""
	}
	return t.Text
}

// endsSection reports whether t starts another part of the line.
func endsSection(t Token) bool {
	return rebuildKeyword(t) != "" || t.Kind == TokenOption
}

// readJobs reads the job names from toks[i] on and returns where the
// next part starts.
func (r *rebuildRequest) readJobs(toks []Token, i int) (int, error) {
	start := i
	for ; i < len(toks) && !endsSection(toks[i]); i++ {
		if toks[i].Kind != TokenWord {
			return 0, Usagef("%s is not a job name", toks[i].written())
		}
		if !slices.Contains(r.jobs, toks[i].Text) {
			r.jobs = append(r.jobs, toks[i].Text)
		}
	}

	if i == start {
		return 0, Usagef("job takes one or more job names")
	}
	return i, nil
}

// readOn reads the node name or glob and the selectors from toks[i] on
// and returns where the next part starts.
func (r *rebuildRequest) readOn(toks []Token, i int) (int, error) {
	if r.on != nil {
		return 0, Usagef("on is given twice")
	}

	var written []string
	bare := 0
	for ; i < len(toks) && !endsSection(toks[i]); i++ {
		sel, err := onSelector(toks[i])
		if err != nil {
			return 0, err
		}
		if toks[i].Kind == TokenWord {
			bare++
		}
		r.on = append(r.on, sel)
		written = append(written, toks[i].written())
	}

	switch {
	case len(r.on) == 0:
		return 0, Usagef("on takes a node name, a node-name glob or selectors")
	case bare > 1:
		return 0, Usagef("on takes one node name or glob; use a glob such as dm-* for several nodes")
	}
	r.onText = strings.Join(written, " ")
	return i, nil
}

// onSelector returns the selector a token after "on" stands for: a bare
// word is a node name or node-name glob.
func onSelector(t Token) (fleet.Selector, error) {
	if t.Kind == TokenSelector {
		return t.Selector, nil
	}

	sel, err := fleet.ParseSelector(t.Text)
	if err != nil || sel.Key != fleet.KeyNode {
		return fleet.Selector{}, Usagef("%s is not a node name", t.written())
	}
	return sel, nil
}

// option reads one option; --force is the only one.
func (r *rebuildRequest) option(t Token) error {
	if t.Name != "force" || t.HasValue {
		return Usagef("unknown option %s (rebuild takes --force)", t.written())
	}
	r.force = true
	return nil
}

// jobsFor returns the jobs a request rebuilds.
func (c *rebuildCommand) jobsFor(r rebuildRequest) ([]string, error) {
	if len(r.jobs) > 0 {
		return r.jobs, nil
	}
	if len(c.opts.PRJobs) == 0 {
		return nil, Userf("no PR jobs are configured; name them: rebuild %d job <name>", r.pr)
	}
	return c.opts.PRJobs, nil
}

func (c *rebuildCommand) run(ctx context.Context, req *Request) error {
	r, err := parseRebuild(req.Inv)
	if err != nil {
		return err
	}
	jobs, err := c.jobsFor(r)
	if err != nil {
		return err
	}

	p, err := c.resolvePin(ctx, r)
	if err != nil {
		return err
	}

	// One read of the queue serves every job's duplicate check.
	waiting, err := c.jenkins.Queue(ctx)
	if err != nil {
		return jenkinsFailure(fmt.Sprintf("rebuild PR %d: read the queue", r.pr), err)
	}

	var out rebuildOutcome
	for _, job := range jobs {
		c.rebuildJob(ctx, req, r, p, job, waiting, &out)
	}
	return out.answer(req, r, p)
}

// rebuildOutcome collects what happened to each job of one rebuild.
type rebuildOutcome struct {
	queued     []string // "docker-pr (queue item 101)"
	replaced   []int64  // duplicates taken out of the queue
	notes      []string
	failed     []error
	unfollowed []error
	followed   int
}

// rebuildJob replaces job's queued duplicates, queues it and has it
// followed, noting each step in out.
func (c *rebuildCommand) rebuildJob(ctx context.Context, req *Request, r rebuildRequest, p pin, job string,
	waiting []JenkinsQueueItem, out *rebuildOutcome) {
	c.cancelDuplicates(ctx, r, job, waiting, out)

	params := map[string]string{c.opts.PRParam: strconv.Itoa(r.pr)}
	if p.expr != "" {
		params[c.opts.NodeParam] = p.expr
	}
	id, existing, err := c.jenkins.QueueBuild(ctx, job, params, "", req.Caller.Who())
	if err != nil {
		out.failed = append(out.failed, jobFailure(job, r.pr, err))
		return
	}

	if existing {
		out.queued = append(out.queued, fmt.Sprintf("%s (already waiting as queue item %d)", job, id))
	} else {
		out.queued = append(out.queued, fmt.Sprintf("%s (queue item %d)", job, id))
	}
	c.follow(ctx, req, r, job, id, out)
}

// cancelDuplicates takes job's waiting items for the same pull request
// out of the queue. One that started meanwhile is left running.
func (c *rebuildCommand) cancelDuplicates(ctx context.Context, r rebuildRequest, job string,
	waiting []JenkinsQueueItem, out *rebuildOutcome) {
	pr := strconv.Itoa(r.pr)
	for _, it := range waiting {
		if it.Job != job || it.Params[c.opts.PRParam] != pr {
			continue
		}

		left, err := c.jenkins.CancelQueueItem(ctx, it.ID)
		switch {
		case err != nil:
			out.notes = append(out.notes, fmt.Sprintf("could not cancel the queued duplicate %d of %s: %s",
				it.ID, job, briefOf(err)))
		case left.Build != 0:
			out.notes = append(out.notes, fmt.Sprintf("queue item %d of %s had just started as #%d; left running",
				it.ID, job, left.Build))
		default:
			out.replaced = append(out.replaced, it.ID)
		}
	}
}

// follow hands the queued build to the follow-ups, which store it before
// rebuild answers.
func (c *rebuildCommand) follow(ctx context.Context, req *Request, r rebuildRequest, job string, id int64,
	out *rebuildOutcome) {
	if c.followups == nil {
		return
	}

	f := Followup{Job: job, QueueID: id, PR: r.pr, On: r.onText, Who: req.Caller.Who(), Nick: req.Caller.Nick,
		Target: req.Target, Private: req.Private, Asked: req.Received}
	if err := c.followups.Follow(ctx, f); err != nil {
		out.unfollowed = append(out.unfollowed, fmt.Errorf("follow %s queue item %d: %w", job, id, err))
		return
	}
	out.followed++
}

// jobFailure is the error of a job that was not queued: its brief line,
// named by the job, for the person; the whole error for the log.
func jobFailure(job string, pr int, err error) error {
	whole := fmt.Errorf("queue %s for PR %d: %w", job, pr, err)
	if !hasBrief(err) {
		return whole
	}
	return &briefError{user: &UserError{Msg: job + " not queued: " + briefOf(err)}, err: whole}
}

// hasBrief reports whether err, or an error it wraps, has a brief line.
func hasBrief(err error) bool {
	var b briefer
	return errors.As(err, &b)
}

// briefOf returns err's brief line, or its first line when it has none.
func briefOf(err error) string {
	var b briefer
	if errors.As(err, &b) {
		return b.Brief()
	}
	return firstLine(err.Error())
}

// answer replies with what was queued and noted, and returns the error
// the dispatcher shows last: the first job that failed, or the follow-ups
// that could not be stored.
func (o *rebuildOutcome) answer(req *Request, r rebuildRequest, p pin) error {
	if len(o.queued) > 0 {
		req.Reply("%s", o.summary(r, p))
	}
	req.ReplyLines(p.notes...)
	req.ReplyLines(o.notes...)

	switch {
	case len(o.failed) > 0:
		for _, err := range o.failed[1:] {
			req.Reply("%s", firstLine(err.Error()))
		}
		return o.failed[0]
	case len(o.unfollowed) > 0:
		return &UserError{Msg: "queued, but gordon could not record the builds to report on them",
			Err: errors.Join(o.unfollowed...)}
	}
	return nil
}

// summary is the reply's first line: "PR 1234: queued docker-pr (queue
// item 101) on dm-3, replacing the queued duplicate 99; I'll report here
// when it starts and ends".
func (o *rebuildOutcome) summary(r rebuildRequest, p pin) string {
	var s strings.Builder
	fmt.Fprintf(&s, "PR %d: queued %s", r.pr, strings.Join(o.queued, ", "))
	if p.desc != "" {
		fmt.Fprintf(&s, " on %s", p.desc)
	}
	if len(o.replaced) > 0 {
		what := "queued duplicate"
		if len(o.replaced) > 1 {
			what += "s"
		}
		fmt.Fprintf(&s, ", replacing the %s %s", what, joinIDs(o.replaced))
	}

	switch {
	case o.followed == 1:
		s.WriteString("; I'll report here when it starts and ends")
	case o.followed > 1:
		s.WriteString("; I'll report here when each starts and ends")
	}
	return s.String()
}

// joinIDs writes ids as "99, 100".
func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}
