package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

// The simulator's credentials. gordon sends them with every request, as
// it sends its API token to Jenkins; they protect nothing.
const (
	simUser  = "gordon"
	simToken = "bench-token"
)

// statsPath is where the child answers with what it served. The path is
// outside Jenkins' URL space, and its requests are not counted.
const statsPath = "/_bench/served"

// offlineNode is a disconnected agent: items pinned to it wait in the
// queue for as long as the simulator runs.
const offlineNode = "dm-off"

// simOptions say what the simulated Jenkins holds. The parent passes
// them to the child as flags.
type simOptions struct {
	jobs      int           // PR jobs, named by jobName
	build     time.Duration // how long every build runs
	nodes     int           // online agents, named by nodeName
	executors int           // executors of each online agent
}

// args are the child's command line for o.
func (o simOptions) args() []string {
	return []string{"-sim",
		"-sim-jobs", strconv.Itoa(o.jobs),
		"-sim-build", o.build.String(),
		"-sim-nodes", strconv.Itoa(o.nodes),
		"-sim-executors", strconv.Itoa(o.executors),
	}
}

// jobName names the i-th PR job: docker-pr, docker-pr-2, ...
func jobName(i int) string {
	if i == 0 {
		return "docker-pr"
	}
	return "docker-pr-" + strconv.Itoa(i+1)
}

// nodeName names the i-th online agent: dm-1, dm-2, ...
func nodeName(i int) string {
	return "dm-" + strconv.Itoa(i+1)
}

// newSimulator makes the simulated Jenkins: PR jobs whose builds take
// PR, NODE and GORDON_USER and may run side by side, the online agents,
// and the disconnected one.
func newSimulator(o simOptions) *jenkinstest.Server {
	s := jenkinstest.New(jenkinstest.Config{User: simUser, Token: simToken})
	params := []jenkinstest.ParamSpec{{Name: "PR"}, {Name: "NODE"}, {Name: "GORDON_USER"}}
	for i := range o.jobs {
		s.AddJob(jenkinstest.JobSpec{Name: jobName(i), Params: params, Concurrent: true,
			Duration: o.build, NodeParam: "NODE"})
	}

	for i := range o.nodes {
		s.AddComputer(jenkinstest.ComputerSpec{Name: nodeName(i), Labels: []string{"docker", "linux"},
			Executors: o.executors})
	}
	s.AddComputer(jenkinstest.ComputerSpec{Name: offlineNode, Labels: []string{"docker"}, Disconnected: true})
	return s
}

// serveSim is the child's whole life: it serves the simulator on a
// loopback port, writes its URL as the first line of out, and stops when
// in ends, which is when the parent closes it or exits.
func serveSim(o simOptions, in io.Reader, out io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	counted := &servedLog{sim: newSimulator(o)}
	srv := &http.Server{Handler: counted, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go func() { _ = srv.Serve(ln) }()

	if _, err := fmt.Fprintf(out, "http://%s\n", ln.Addr()); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, in)
	return srv.Close()
}

// served is one request the simulator answered.
type served struct {
	At      int64  `json:"at"` // arrival, Unix nanoseconds
	Kind    string `json:"kind"`
	Bytes   int64  `json:"bytes"`   // the answer's body
	Handler int64  `json:"handler"` // nanoseconds spent answering
}

// servedReport is the child's answer at statsPath. Recorded is the
// simulator's own count of the requests it received, to check ours by.
type servedReport struct {
	Served   []served `json:"served"`
	Recorded int      `json:"recorded"`
}

// servedLog wraps the simulator to note every request it answers.
type servedLog struct {
	sim *jenkinstest.Server

	mu     sync.Mutex
	served []served
}

func (l *servedLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == statsPath {
		l.report(w)
		return
	}

	start := time.Now()
	cw := &countingWriter{ResponseWriter: w}
	l.sim.ServeHTTP(cw, r)
	s := served{At: start.UnixNano(), Kind: kindOf(r), Bytes: cw.n, Handler: int64(time.Since(start))}

	l.mu.Lock()
	l.served = append(l.served, s)
	l.mu.Unlock()
}

// report writes everything served so far.
func (l *servedLog) report(w http.ResponseWriter) {
	l.mu.Lock()
	rep := servedReport{Served: append([]served(nil), l.served...)}
	l.mu.Unlock()
	rep.Recorded = len(l.sim.Requests())

	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(rep)
}

// kindOf names what a request asks Jenkins for, without job names or
// numbers, so that requests can be counted by kind.
func kindOf(r *http.Request) string {
	segs := strings.FieldsFunc(strings.TrimSuffix(r.URL.Path, "/api/json"), func(c rune) bool { return c == '/' })
	kind := r.Method + " " + r.URL.Path
	switch {
	case len(segs) == 0:
	case segs[0] == "queue" && len(segs) == 1:
		kind = "queue"
	case segs[0] == "queue":
		kind = "queue item"
	case segs[0] == "computer":
		kind = "agents"
	case segs[0] == "crumbIssuer":
		kind = "crumb"
	case segs[0] == "job" && segs[len(segs)-1] == "buildWithParameters":
		kind = "buildWithParameters"
	case segs[0] == "job" && len(segs) == 2 && strings.Contains(r.URL.Query().Get("tree"), "builds["):
		kind = "job builds"
	case segs[0] == "job" && len(segs) == 2:
		kind = "job"
	case segs[0] == "job" && len(segs) == 3:
		kind = "build"
	}
	return kind
}

// countingWriter counts the bytes of an answer's body.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}
