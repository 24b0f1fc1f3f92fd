package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"
)

// options are the harness's flags.
type options struct {
	parts []string

	// The rebuild latency part.
	n       int
	warmup  int
	queue   int
	on      string
	stores  []string
	dir     string
	profile string
	memprof string

	// The follow-ups part.
	followups int
	jobs      int
	window    time.Duration
	polls     []time.Duration

	// sim makes this process the simulated Jenkins of a parent harness.
	sim     bool
	simOpts simOptions
}

func main() {
	o, err := parseFlags()
	if err == nil {
		err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rebuild:", err)
		os.Exit(1)
	}
}

// parseFlags reads the flags and the lists some of them hold.
func parseFlags() (options, error) {
	var o options
	var parts, stores, polls string
	flag.StringVar(&parts, "parts", "rebuild,followups", "parts to run: rebuild, followups")
	flag.IntVar(&o.n, "n", 2000, "rebuilds measured, each of a different pull request")
	flag.IntVar(&o.warmup, "warmup", 100, "rebuilds run first and not measured")
	flag.IntVar(&o.queue, "queue", 20, "items kept waiting in Jenkins' queue while rebuilds run")
	flag.StringVar(&o.on, "on", "dm-1", `node each rebuild is pinned to ("on dm-1"); empty for none`)
	flag.StringVar(&stores, "stores", "memory,bolt", "stores to measure rebuilds with: memory, bolt")
	flag.StringVar(&o.dir, "dir", os.TempDir(), "directory for the bbolt files")
	flag.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the rebuild part to this file")
	flag.StringVar(&o.memprof, "memprofile", "", "write a profile of the rebuild part's allocations to this file")
	flag.IntVar(&o.followups, "followups", 500, "follow-ups open at once")
	flag.IntVar(&o.jobs, "jobs", 2, "jobs the followed builds are spread over")
	flag.DurationVar(&o.window, "for", 30*time.Second, "how long the follow-up loop runs for each poll interval")
	flag.StringVar(&polls, "polls", "5s,1s", "poll intervals to run the follow-ups with")

	flag.BoolVar(&o.sim, "sim", false, "serve the simulated Jenkins for a parent harness (internal)")
	flag.IntVar(&o.simOpts.jobs, "sim-jobs", 1, "simulator: PR jobs (internal)")
	flag.DurationVar(&o.simOpts.build, "sim-build", time.Hour, "simulator: how long builds run (internal)")
	flag.IntVar(&o.simOpts.nodes, "sim-nodes", 1, "simulator: online agents (internal)")
	flag.IntVar(&o.simOpts.executors, "sim-executors", 2, "simulator: executors per agent (internal)")
	flag.Parse()

	o.parts = splitList(parts)
	o.stores = splitList(stores)
	for _, p := range splitList(polls) {
		d, err := time.ParseDuration(p)
		if err != nil {
			return o, fmt.Errorf("-polls: %w", err)
		}
		o.polls = append(o.polls, d)
	}
	return o, o.check()
}

// check refuses flags the parts cannot run with.
func (o options) check() error {
	for _, p := range o.parts {
		if p != "rebuild" && p != "followups" {
			return fmt.Errorf("-parts: unknown part %q", p)
		}
	}
	for _, s := range o.stores {
		if s != "memory" && s != "bolt" {
			return fmt.Errorf("-stores: unknown store %q", s)
		}
	}
	if o.n < 1 || o.followups < 1 || o.jobs < 1 {
		return fmt.Errorf("-n, -followups and -jobs must be at least 1")
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(o options) error {
	if o.sim {
		return serveSim(o.simOpts, os.Stdin, os.Stdout)
	}

	// Must come before any Jenkins client is made; see watchRequests.
	watchRequests()
	ctx := context.Background()

	if slices.Contains(o.parts, "rebuild") {
		if err := runRebuilds(ctx, o); err != nil {
			return err
		}
	}
	if slices.Contains(o.parts, "followups") {
		return runFollowups(ctx, o)
	}
	return nil
}

// runRebuilds measures command to action with each store, under a CPU
// profile when asked.
func runRebuilds(ctx context.Context, o options) error {
	if o.profile != "" {
		stop, err := profileCPU(o.profile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if o.memprof != "" {
		// Finer than the default sampling, so that small allocations
		// show; set before any of them is made.
		runtime.MemProfileRate = 4096
		defer writeAllocs(o.memprof)
	}

	var results []*rebuildResult
	for _, kind := range o.stores {
		res, err := benchRebuilds(ctx, o, kind)
		if err != nil {
			return fmt.Errorf("rebuilds with the %s store: %w", kind, err)
		}
		results = append(results, res)
	}
	printRebuilds(os.Stdout, o, results)
	return nil
}

// runFollowups measures the follow-ups once for each poll interval.
func runFollowups(ctx context.Context, o options) error {
	var results []*followResult
	for _, poll := range o.polls {
		res, err := benchFollowups(ctx, o, poll)
		if err != nil {
			return fmt.Errorf("follow-ups polled every %s: %w", poll, err)
		}
		results = append(results, res)
	}
	printFollowups(os.Stdout, o, results)
	return nil
}

// writeAllocs writes the profile of the allocations made so far.
func writeAllocs(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rebuild: memory profile:", err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "rebuild: memory profile:", err)
	}
}

// profileCPU starts a CPU profile into path and returns what ends it.
func profileCPU(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
