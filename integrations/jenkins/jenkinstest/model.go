package jenkinstest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Parameter types, by the names Jenkins gives their definitions.
const (
	StringParam  = "StringParameterDefinition"
	BooleanParam = "BooleanParameterDefinition"
	ChoiceParam  = "ChoiceParameterDefinition"
)

// Build results, as Jenkins writes them.
const (
	Success  = "SUCCESS"
	Unstable = "UNSTABLE"
	Failure  = "FAILURE"
	Aborted  = "ABORTED"
)

// JobSpec describes a job of the simulator.
type JobSpec struct {
	Name   string
	Params []ParamSpec

	// Concurrent lets builds of the job run side by side; otherwise a
	// queued item is blocked while one runs.
	Concurrent bool
	Disabled   bool

	// Duration is how long a build runs; zero runs it until Finish or
	// stop.
	Duration time.Duration

	// Results are the results builds end with after Duration, taken in
	// turn by build number; empty means SUCCESS.
	Results []string

	// NodeParam names the parameter whose value, a label expression or a
	// node name, says where builds may run. Empty runs them anywhere.
	NodeParam string
}

// ParamSpec is a parameter definition.
type ParamSpec struct {
	Name        string
	Type        string // one of the XParam values; empty is StringParam
	Default     string
	Choices     []string
	Description string
}

// ComputerSpec describes an agent of the simulator.
type ComputerSpec struct {
	Name   string
	Labels []string

	// Executors is how many builds may run there at once; zero means 2.
	Executors int

	// Disconnected starts the agent offline without a person's mark, as
	// when its agent process is not running.
	Disconnected bool
}

// BuildSpec is a build added to a job's history with AddBuild.
type BuildSpec struct {
	Params   map[string]string
	Result   string // empty leaves the build running
	Node     string
	Started  time.Time
	Duration time.Duration
}

// job is a job and its builds.
type job struct {
	JobSpec
	builds []*build // oldest first
	next   int64
}

// build is one build of a job.
type build struct {
	job      *job
	number   int64
	queueID  int64
	params   []paramValue
	cause    string
	node     string
	started  time.Time
	duration time.Duration
	result   string // "" while it runs
}

// paramValue is a parameter value as Jenkins stores it for a build.
type paramValue struct {
	name  string
	typ   string
	value string
}

// queueItem is an item of the queue: waiting, or left for a build or a
// cancellation.
type queueItem struct {
	id        int64
	job       *job
	params    []paramValue
	cause     string
	since     time.Time
	readyAt   time.Time
	why       string
	blocked   bool
	buildable bool
	cancelled bool
	build     *build
}

// computer is an agent.
type computer struct {
	ComputerSpec
	tempOffline bool
	reason      string
	by          string
	since       time.Time // when it was taken offline
}

// AddJob adds a job, or replaces the one of that name and its history.
func (s *Server) AddJob(spec JobSpec) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if _, ok := s.jobs[spec.Name]; !ok {
		s.jobOrder = append(s.jobOrder, spec.Name)
	}
	s.jobs[spec.Name] = &job{JobSpec: spec, next: 1}
}

// RemoveJob deletes a job, as when someone deletes it in Jenkins.
func (s *Server) RemoveJob(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()

	delete(s.jobs, name)
	s.jobOrder = slices.DeleteFunc(s.jobOrder, func(n string) bool { return n == name })
}

// AddComputer adds an agent.
func (s *Server) AddComputer(spec ComputerSpec) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if spec.Executors == 0 {
		spec.Executors = 2
	}
	s.computers = append(s.computers, &computer{ComputerSpec: spec})
}

// SetConnected connects or disconnects the agent named node.
func (s *Server) SetConnected(node string, connected bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	c := s.computer(node)
	if c == nil {
		return fmt.Errorf("jenkinstest: no node %q", node)
	}
	c.Disconnected = !connected
	return nil
}

// AddBuild adds a build to a job's history and returns its number.
func (s *Server) AddBuild(jobName string, spec BuildSpec) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	j := s.jobs[jobName]
	if j == nil {
		return 0, fmt.Errorf("jenkinstest: no job %q", jobName)
	}
	values, err := j.values(spec.Params)
	if err != nil {
		return 0, err
	}

	b := j.newBuild(values, "gordon", spec.Node, spec.Started)
	b.result, b.duration = spec.Result, spec.Duration
	return b.number, nil
}

// Finish ends a running build with result, as if its steps were done.
func (s *Server) Finish(jobName string, number int64, result string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	b := s.build(jobName, number)
	if b == nil || b.result != "" {
		return fmt.Errorf("jenkinstest: no running build %s #%d", jobName, number)
	}
	b.end(result, s.cfg.Now())
	return nil
}

// Waiting returns the ids of the items of job waiting in the queue,
// oldest first.
func (s *Server) Waiting(jobName string) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()

	var ids []int64
	for _, it := range s.waiting() {
		if it.job.Name == jobName {
			ids = append(ids, it.id)
		}
	}
	return ids
}

// newBuild adds a running build to j.
func (j *job) newBuild(values []paramValue, cause, node string, now time.Time) *build {
	b := &build{job: j, number: j.next, params: values, cause: cause, node: node, started: now}
	j.next++
	j.builds = append(j.builds, b)
	return b
}

// end finishes b with result at now.
func (b *build) end(result string, now time.Time) {
	b.result = result
	b.duration = now.Sub(b.started)
}

// resultFor returns the result build number ends with on its own.
func (j *job) resultFor(number int64) string {
	if len(j.Results) == 0 {
		return Success
	}
	return j.Results[(number-1)%int64(len(j.Results))]
}

// values returns the parameter values of a build of j given form values,
// as Jenkins makes them: the job's own parameters only, each from the
// form or its default. Names the job does not define are dropped.
func (j *job) values(form map[string]string) ([]paramValue, error) {
	values := make([]paramValue, 0, len(j.Params))
	for _, p := range j.Params {
		v, given := form[p.Name]
		if !given {
			v = p.Default
		}

		switch p.typ() {
		case BooleanParam:
			v = strconv.FormatBool(strings.EqualFold(v, "true"))
		case ChoiceParam:
			if given && !slices.Contains(p.Choices, v) {
				return nil, fmt.Errorf("illegal choice for parameter %s: %s", p.Name, v)
			}
			if !given && len(p.Choices) > 0 {
				v = p.Choices[0]
			}
		}
		values = append(values, paramValue{name: p.Name, typ: p.typ(), value: v})
	}
	return values, nil
}

// typ returns the parameter's type, StringParam when unset.
func (p ParamSpec) typ() string {
	if p.Type == "" {
		return StringParam
	}
	return p.Type
}

// paramOf returns the value of the parameter name, or "".
func paramOf(values []paramValue, name string) string {
	for _, v := range values {
		if v.name == name {
			return v.value
		}
	}
	return ""
}

// computer returns the agent named name, or nil.
func (s *Server) computer(name string) *computer {
	for _, c := range s.computers {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// build returns build number of job, or nil.
func (s *Server) build(jobName string, number int64) *build {
	j := s.jobs[jobName]
	if j == nil {
		return nil
	}
	for _, b := range j.builds {
		if b.number == number {
			return b
		}
	}
	return nil
}

// item returns queue item id, or nil.
func (s *Server) item(id int64) *queueItem {
	for _, it := range s.queue {
		if it.id == id {
			return it
		}
	}
	return nil
}

// waiting returns the items still in the queue, oldest first.
func (s *Server) waiting() []*queueItem {
	var items []*queueItem
	for _, it := range s.queue {
		if it.build == nil && !it.cancelled {
			items = append(items, it)
		}
	}
	return items
}

// offline reports whether no build may start on c.
func (c *computer) offline() bool {
	return c.Disconnected || c.tempOffline
}

// labels returns the agent's labels, its own name first, as Jenkins
// makes every node name a label.
func (c *computer) labels() []string {
	return append([]string{c.Name}, c.Labels...)
}
