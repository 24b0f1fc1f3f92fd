package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// JenkinsBuild is one build as the build commands show it.
//
// It is an alias of a plain struct type, identical to the build type of
// gordon's Jenkins client, so that the client satisfies Jenkins as it is
// while neither package imports the other. The two must change together.
type JenkinsBuild = struct {
	Job    string
	Number int64
	URL    string

	// Result is SUCCESS, UNSTABLE, FAILURE, NOT_BUILT or ABORTED; "" while
	// the build runs.
	Result   string
	Building bool

	Started  time.Time
	Duration time.Duration

	BuiltOn string
	QueueID int64
	Params  map[string]string
}

// Jenkins is what the build commands need from Jenkins. Gordon's Jenkins
// client implements it.
//
// Errors a person can act on (no such job or node, a parameter the job
// does not take, an offline node, Jenkins refusing, failing, unreachable
// or slow) have a method Brief() string that says so in one short line;
// the commands answer with that line. Any other error is a failure of
// gordon's own, answered briefly and logged whole.
type Jenkins interface {
	// QueueBuild checks a build of job with params against the job's
	// parameter definitions and queues it, pinned to node unless node is
	// empty, with who as the person who asked. It returns the queue item,
	// and whether Jenkins already had that build waiting.
	QueueBuild(ctx context.Context, job string, params map[string]string,
		node, who string) (queueID int64, existing bool, err error)

	// RecentBuilds returns the newest builds of job, at most n; for job
	// "" it returns the last build of every job.
	RecentBuilds(ctx context.Context, job string, n int) ([]JenkinsBuild, error)

	// PRBuilds returns, for each job that tests pull requests, its newest
	// builds of pull request pr, at most n each.
	PRBuilds(ctx context.Context, pr int, n int) ([]JenkinsBuild, error)

	// AbortBuild stops the running build number of job, or else cancels
	// its queue item number. It returns the build it stopped (0 when an
	// item was cancelled before it started) and whether number named a
	// queue item.
	AbortBuild(ctx context.Context, job string, number int64) (build int64, queued bool, err error)
}

// BuildCommands returns build, builds and cancel, acting on j. prParam is
// the job parameter carrying a pull request number, shown in listings.
func BuildCommands(j Jenkins, prParam string) []Command {
	b := &buildCommands{jenkins: j, prParam: prParam, now: time.Now}
	return []Command{
		{
			Name:    "build",
			Usage:   "<job> [param=value...] [on <node>]",
			Summary: "queue a build of a job; parameter names match the job's in any case",
			Role:    RoleMaintainer,
			Action:  true,
			Run:     b.build,
		},
		{
			Name:    "builds",
			Usage:   "[pr or job]",
			Summary: "last results, with their age and URL, of every job, a job, or a pull request",
			Role:    RoleAnyone,
			Run:     b.builds,
		},
		{
			Name:    "cancel",
			Usage:   "<job> <number>",
			Summary: "abort a running build, or a queued one by its queue item number",
			Role:    RoleMaintainer,
			Action:  true,
			Run:     b.cancel,
		},
	}
}

// buildCommands holds what the build commands share.
type buildCommands struct {
	jenkins Jenkins
	prParam string
	now     func() time.Time
}

// buildRequest is a parsed build command line.
type buildRequest struct {
	job    string
	params map[string]string
	node   string
}

// parseBuild reads <job> [param=value...] [on <node>]. A parameter is a
// selector token or a quoted word holding '='; it is split at its first
// '=' as written, so that a value with '*' or '!' stays as it is.
func parseBuild(inv Invocation) (buildRequest, error) {
	toks := inv.Tokens
	if len(toks) == 0 || toks[0].Kind != TokenWord || strings.Contains(toks[0].Text, "=") {
		return buildRequest{}, Usagef("name the job first")
	}

	r := buildRequest{job: toks[0].Text, params: map[string]string{}}
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.Kind == TokenWord && !t.Quoted && t.Text == "on":
			if r.node != "" || i+1 == len(toks) || toks[i+1].Kind != TokenWord {
				return buildRequest{}, Usagef("on takes one node name")
			}
			i++
			r.node = toks[i].Text
		case t.Kind == TokenSelector || (t.Kind == TokenWord && t.Quoted && strings.Contains(t.Text, "=")):
			if err := r.addParam(t.Text); err != nil {
				return buildRequest{}, err
			}
		default:
			return buildRequest{}, Usagef("unexpected %s: parameters are written param=value", t.written())
		}
	}
	return r, nil
}

// addParam adds NAME=value.
func (r *buildRequest) addParam(text string) error {
	name, value, _ := strings.Cut(text, "=")
	if name == "" || strings.ContainsAny(name, " !") {
		return Usagef("%q is not param=value", text)
	}
	if _, dup := r.params[name]; dup {
		return Usagef("%s is given twice", name)
	}
	r.params[name] = value
	return nil
}

func (b *buildCommands) build(ctx context.Context, req *Request) error {
	r, err := parseBuild(req.Inv)
	if err != nil {
		return err
	}

	id, existing, err := b.jenkins.QueueBuild(ctx, r.job, r.params, r.node, req.Caller.Who())
	if err != nil {
		return jenkinsFailure("queue "+r.job, err)
	}

	what := r.describe()
	if existing {
		req.Reply("%s is already waiting in the queue as item %d; not queued twice", what, id)
		return nil
	}
	req.Reply("queued %s as queue item %d", what, id)
	return nil
}

// describe names the build asked for: "docker-pr (PR=12) on dm-3".
func (r buildRequest) describe() string {
	s := r.job
	if len(r.params) > 0 {
		var kv []string
		for _, k := range slices.Sorted(maps.Keys(r.params)) {
			kv = append(kv, k+"="+r.params[k])
		}
		s += " (" + strings.Join(kv, ", ") + ")"
	}
	if r.node != "" {
		s += " on " + r.node
	}
	return s
}

func (b *buildCommands) builds(ctx context.Context, req *Request) error {
	words := req.Inv.Words()
	if len(words) > 1 || len(req.Inv.Tokens) != len(words) {
		return Usagef("builds takes one pull request number or job name")
	}

	var builds []JenkinsBuild
	var err error
	subject := "any job"
	switch pr, isPR := prNumber(words); {
	case isPR:
		subject = fmt.Sprintf("PR %d in the PR jobs", pr)
		builds, err = b.jenkins.PRBuilds(ctx, pr, 1)
	case len(words) == 1:
		subject = words[0]
		builds, err = b.jenkins.RecentBuilds(ctx, words[0], PrivateLines)
	default:
		builds, err = b.jenkins.RecentBuilds(ctx, "", PrivateLines)
	}
	if err != nil {
		return jenkinsFailure("list builds", err)
	}

	if len(builds) == 0 {
		req.Reply("no builds of %s", subject)
	}
	for _, build := range builds {
		req.Reply("%s", b.line(build))
	}
	return nil
}

// prNumber reads a pull request number, "1207" or "#1207", from the only
// word.
func prNumber(words []string) (int, bool) {
	if len(words) != 1 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(words[0], "#"))
	return n, err == nil && n > 0
}

// line writes one build: job, number, result, age, duration, pull request
// and URL.
func (b *buildCommands) line(build JenkinsBuild) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s #%d ", build.Job, build.Number)
	if build.Building {
		fmt.Fprintf(&s, "running for %s", short(b.now().Sub(build.Started)))
	} else {
		fmt.Fprintf(&s, "%s %s ago, took %s", build.Result, short(b.now().Sub(build.Started.Add(build.Duration))),
			short(build.Duration))
	}

	if pr := build.Params[b.prParam]; pr != "" && b.prParam != "" {
		fmt.Fprintf(&s, ", PR %s", pr)
	}
	if build.BuiltOn != "" {
		fmt.Fprintf(&s, ", on %s", build.BuiltOn)
	}
	fmt.Fprintf(&s, ": %s", build.URL)
	return s.String()
}

// short writes a duration as people read an age: "40s", "12m", "5h",
// "3d".
func short(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func (b *buildCommands) cancel(ctx context.Context, req *Request) error {
	words := req.Inv.Words()
	if len(words) != 2 || len(req.Inv.Tokens) != 2 {
		return Usagef("cancel takes a job and a number")
	}
	job := words[0]
	number, err := strconv.ParseInt(strings.TrimPrefix(words[1], "#"), 10, 64)
	if err != nil || number <= 0 {
		return Usagef("%q is not a build or queue item number", words[1])
	}

	build, queued, err := b.jenkins.AbortBuild(ctx, job, number)
	if err != nil {
		return jenkinsFailure(fmt.Sprintf("cancel %s %d", job, number), err)
	}

	switch {
	case !queued:
		req.Reply("stopping %s #%d", job, build)
	case build == 0:
		req.Reply("cancelled queue item %d of %s before it started", number, job)
	default:
		req.Reply("queue item %d had just started as %s #%d; stopping it", number, job, build)
	}
	return nil
}

// briefer is an error of the Jenkins client that can say what went wrong
// in one short line.
type briefer interface {
	Brief() string
}

// jenkinsFailure returns err as the person sees it: its brief line as a
// *UserError when it has one, the whole error, with op, otherwise.
func jenkinsFailure(op string, err error) error {
	var b briefer
	if !errors.As(err, &b) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return &briefError{user: &UserError{Msg: b.Brief()}, err: fmt.Errorf("%s: %w", op, err)}
}

// briefError is a Jenkins failure that shows the person one line, through
// the *UserError it wraps, while the log gets the whole error.
type briefError struct {
	user *UserError
	err  error
}

// Error returns the brief line.
func (e *briefError) Error() string { return e.user.Msg }

// Unwrap returns the *UserError and the whole error, for errors.As and
// errors.Is.
func (e *briefError) Unwrap() []error { return []error{e.user, e.err} }

// LogValue logs the whole error.
func (e *briefError) LogValue() slog.Value { return slog.StringValue(e.err.Error()) }
