package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// ownTarget is the number held: gordon's own time from a line to the
// Jenkins request it causes, at p99.
const ownTarget = 2 * time.Millisecond

// printRebuilds writes the command-to-action table.
func printRebuilds(w io.Writer, o options, results []*rebuildResult) {
	line := "!rebuild <pr>"
	if o.on != "" {
		line += " on " + o.on
	}
	fmt.Fprintf(w, "command to action: %q handed to the dispatcher until the POST to buildWithParameters is written\n", line)
	fmt.Fprintf(w, "%d rebuilds after %d warm-up, one PR job, %d items waiting in the queue; GOMAXPROCS %d; "+
		"simulator in a child process; load average now %s\n\n", o.n, o.warmup, o.queue, runtime.GOMAXPROCS(0), loadAverage())

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "store\tfigure\tp50\tp90\tp99\tmax\t")
	for _, r := range results {
		printRebuildRows(tw, r)
	}
	tw.Flush()
	fmt.Fprintf(w, "\ntarget: p99 of gordon's own time under %s\n\n", ownTarget)
	printCosts(w, results)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "where gordon's own time goes")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "store\tphase\tmean\tp50\tp99\t")
	for _, r := range results {
		printPhases(tw, r)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// printPhases writes how one store's own time divides.
func printPhases(w io.Writer, r *rebuildResult) {
	for i, name := range r.phases {
		d := durations(r.samples, func(s sample) time.Duration { return s.phases[i] })
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t\n", r.store, name, mean(d), pct(d, 50), pct(d, 99))
	}
}

// mean returns the mean of d.
func mean(d []time.Duration) time.Duration {
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return round(sum / time.Duration(max(len(d), 1)))
}

// printRebuildRows writes one store's rows.
func printRebuildRows(w io.Writer, r *rebuildResult) {
	rows := []struct {
		name string
		of   func(sample) time.Duration
	}{
		{"gordon's own time", func(s sample) time.Duration { return s.own() }},
		{"line to POST written (wall)", func(s sample) time.Duration { return s.wall }},
		{fmt.Sprintf("waiting on Jenkins (%d answers)", r.before), func(s sample) time.Duration { return s.waiting }},
		{"audit record before the command", func(s sample) time.Duration { return s.audit }},
		{"whole command, answer given", func(s sample) time.Duration { return s.whole }},
	}
	for _, row := range rows {
		d := durations(r.samples, row.of)
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.store, row.name,
			pct(d, 50), pct(d, 90), pct(d, 99), pct(d, 100))
	}

	if r.failed > 0 {
		fmt.Fprintf(w, "%s\tFAILED rebuilds: %d, first: %v\t\t\t\t\t\n", r.store, r.failed, r.firstErr)
	}
}

// printCosts writes what a rebuild cost each store's run, beyond time.
func printCosts(w io.Writer, results []*rebuildResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "store\tallocs a rebuild\tbytes a rebuild\tCPU a rebuild\tcollections\t"+
		"new connections\twait a request\tof it in the simulator\t")
	for _, r := range results {
		handler, wait := r.perRequest()
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f KiB\t%s\t%d\t%d\t%s\t%s\t\n", r.store, r.allocs, r.bytes/1024,
			round(r.cpu), r.gcs, r.dials, round(wait), round(handler))
	}
	tw.Flush()
}

// perRequest returns, for the requests before the POSTs, the mean time
// the simulator spent answering one and the mean wait gordon measured.
func (r *rebuildResult) perRequest() (handler, wait time.Duration) {
	var h time.Duration
	n := 0
	for _, s := range r.served {
		if s.Kind != "buildWithParameters" {
			h += time.Duration(s.Handler)
			n++
		}
	}

	var waited time.Duration
	requests := 0
	for _, s := range r.samples {
		waited += s.waiting
		requests += s.before
	}
	return h / time.Duration(max(n, 1)), waited / time.Duration(max(requests, 1))
}

// printFollowups writes the follow-up table, one column a poll interval.
func printFollowups(w io.Writer, o options, results []*followResult) {
	fmt.Fprintf(w, "follow-ups: %d open at once over %d jobs, builds running for a day; bbolt store; "+
		"followup defaults but the poll interval\n\n", o.followups, o.jobs)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(name string, cell func(*followResult) string) {
		fmt.Fprintf(tw, "%s\t", name)
		for _, r := range results {
			fmt.Fprintf(tw, "%s\t", cell(r))
		}
		fmt.Fprintln(tw)
	}

	row("figure", func(r *followResult) string { return "poll " + r.poll.String() })
	row("live heap a follow-up, opened", func(r *followResult) string { return perFollowup(r, 1, false) })
	row("live heap a follow-up, after the loop", func(r *followResult) string { return perFollowup(r, 2, false) })
	row("heap in use a follow-up, opened", func(r *followResult) string { return perFollowup(r, 1, true) })
	row("RSS before, opened, after the loop", func(r *followResult) string {
		return fmt.Sprintf("%s, %s, %s", mib(r.rss[0]), mib(r.rss[1]), mib(r.rss[2]))
	})
	row("Follow of all, one by one", func(r *followResult) string { return round(r.follow).String() })
	row("lines sent; still open", func(r *followResult) string { return fmt.Sprintf("%d; %d", r.lines, r.stillOpen) })
	row("first line, every start reported", func(r *followResult) string {
		return fmt.Sprintf("%s, %s", after(r.firstLine), after(r.allLines))
	})
	row("loop ran", func(r *followResult) string { return r.window.Round(time.Millisecond).String() })
	row("requests to Jenkins", func(r *followResult) string { return strconv.Itoa(len(r.served)) })
	row("requests a second, mean", func(r *followResult) string {
		return fmt.Sprintf("%.2f", float64(len(r.served))/r.window.Seconds())
	})
	row("requests in the busiest second", func(r *followResult) string { return strconv.Itoa(r.busiestSecond()) })
	row("answer KiB a second, mean", func(r *followResult) string {
		return fmt.Sprintf("%.1f", float64(r.bytes())/1024/r.window.Seconds())
	})
	row("requests by kind", func(r *followResult) string { return byKind(r.served) })
	tw.Flush()
	fmt.Fprintln(w)
}

// after writes how long after the loop started something happened.
func after(d time.Duration) string {
	if d == 0 {
		return "not in the run"
	}
	return "after " + d.Round(100*time.Millisecond).String()
}

// perFollowup is the heap the follow-ups added by point i, a follow-up.
func perFollowup(r *followResult, i int, inuse bool) string {
	d := r.heap[i].live - r.heap[0].live
	if inuse {
		d = r.heap[i].inuse - r.heap[0].inuse
	}
	return fmt.Sprintf("%.2f KiB", float64(d)/1024/float64(r.n))
}

// busiestSecond counts the requests of each second of the loop's run
// and returns the largest count.
func (r *followResult) busiestSecond() int {
	counts := map[int64]int{}
	for _, s := range r.served {
		counts[(s.At-r.loopStart.UnixNano())/int64(time.Second)]++
	}
	busiest := 0
	for _, c := range counts {
		busiest = max(busiest, c)
	}
	return busiest
}

// bytes is the size of every answer's body, added up.
func (r *followResult) bytes() int64 {
	var n int64
	for _, s := range r.served {
		n += s.Bytes
	}
	return n
}

// byKind writes how many requests of each kind there were.
func byKind(all []served) string {
	counts := map[string]int{}
	for _, s := range all {
		counts[s.Kind]++
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}

// durations picks one duration out of each sample.
func durations(samples []sample, of func(sample) time.Duration) []time.Duration {
	d := make([]time.Duration, len(samples))
	for i, s := range samples {
		d[i] = of(s)
	}
	slices.Sort(d)
	return d
}

// pct returns the p-th percentile of sorted by the nearest rank; p 100
// is the maximum.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (len(sorted)*p + 99) / 100
	return round(sorted[min(max(rank, 1), len(sorted))-1])
}

// round keeps a duration to a readable precision.
func round(d time.Duration) time.Duration {
	if d >= 10*time.Millisecond {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// rss returns the resident set of the process, in bytes, from /proc;
// zero where it cannot be read.
func rss() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// loadAverage returns the machine's load averages over 1, 5 and 15
// minutes, as /proc/loadavg gives them, since other work on the machine
// shows in the tails.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	return strings.Join(f[:min(3, len(f))], " ")
}

func mib(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
