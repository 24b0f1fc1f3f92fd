package jenkinstest

import (
	"time"
)

// Demo jobs: two that test a pull request, one that builds master, and
// one that upgrades a node. Each takes NODE (a node name or a label
// expression) and GORDON_USER (who asked).
var demoJobs = []JobSpec{
	{
		Name: "docker-pr",
		Params: demoParams(ParamSpec{Name: "PR", Description: "pull request number"},
			ParamSpec{Name: "SHA", Description: "head commit of the pull request"}),
		Concurrent: true,
		Duration:   90 * time.Second,
		Results:    []string{Success, Success, Failure, Success, Unstable},
		NodeParam:  "NODE",
	},
	{
		Name: "docker-pr-experimental",
		Params: demoParams(ParamSpec{Name: "PR", Description: "pull request number"},
			ParamSpec{Name: "SHA", Description: "head commit of the pull request"}),
		Concurrent: true,
		Duration:   2 * time.Minute,
		Results:    []string{Success, Failure},
		NodeParam:  "NODE",
	},
	{
		Name: "docker-master",
		Params: demoParams(ParamSpec{Name: "DRY_RUN", Type: BooleanParam, Default: "false",
			Description: "build without publishing"}),
		Duration:  3 * time.Minute,
		NodeParam: "NODE",
	},
	{
		Name: "upgrade-node",
		Params: demoParams(ParamSpec{Name: "VERSION", Description: "docker version to install"},
			ParamSpec{Name: "CHANNEL", Type: ChoiceParam, Choices: []string{"stable", "rc", "master"}}),
		Concurrent: true,
		Duration:   45 * time.Second,
		NodeParam:  "NODE",
	},
}

// demoParams returns params followed by NODE and GORDON_USER.
func demoParams(params ...ParamSpec) []ParamSpec {
	return append(params,
		ParamSpec{Name: "NODE", Description: "node name or label expression to run on"},
		ParamSpec{Name: "GORDON_USER", Description: "who asked gordon for this build"})
}

// Demo returns a simulator with the demo jobs, one agent for each name in
// nodes (labelled "docker" and "linux" besides its name), and a short
// history for the PR jobs, so that gordon has something to show at once.
func Demo(cfg Config, nodes []string) *Server {
	s := New(cfg)
	for _, spec := range demoJobs {
		s.AddJob(spec)
	}
	for _, n := range nodes {
		s.AddComputer(ComputerSpec{Name: n, Labels: []string{"docker", "linux"}})
	}
	if len(nodes) == 0 {
		return s
	}

	now := s.cfg.Now()
	history := []struct {
		job, pr, result string
		ago             time.Duration
	}{
		{"docker-pr", "1201", Success, 26 * time.Hour},
		{"docker-pr", "1207", Failure, 5 * time.Hour},
		{"docker-pr-experimental", "1207", Success, 5 * time.Hour},
		{"docker-pr", "1210", Success, 40 * time.Minute},
	}
	for i, h := range history {
		s.AddBuild(h.job, BuildSpec{
			Params:   map[string]string{"PR": h.pr, "NODE": nodes[i%len(nodes)], "GORDON_USER": "demo"},
			Result:   h.result,
			Node:     nodes[i%len(nodes)],
			Started:  now.Add(-h.ago),
			Duration: 80 * time.Second,
		})
	}
	return s
}
