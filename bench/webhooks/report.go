package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// report prints the figures of a load run.
func report(o options, res *result, sent, elapsed, cpu time.Duration, stored int, t *target) {
	lat := slices.Clone(res.latencies)
	slices.Sort(lat)

	fmt.Printf("deliveries      %d from %d clients (%.0f%% redeliveries), GOMAXPROCS %d, %d CPUs\n",
		o.n, o.clients, 100*o.dup, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Printf("answers         %d accepted, %d duplicates, %d ignored types, %d refused\n",
		res.accepted.Load(), res.duplicate.Load(),
		int64(o.n)-res.accepted.Load()-res.duplicate.Load()-res.other.Load(), res.other.Load())
	fmt.Printf("throughput      %.0f deliveries/s answered, %.0f/s to the last event handled\n",
		float64(o.n)/sent.Seconds(), float64(o.n)/elapsed.Seconds())
	fmt.Printf("latency         p50 %s  p90 %s  p99 %s  max %s (client side, loopback HTTP)\n",
		pct(lat, 50), pct(lat, 90), pct(lat, 99), lat[len(lat)-1].Round(time.Microsecond))
	fmt.Printf("cpu             %.1f s user+sys for harness and gordon together, %.0f µs a delivery\n",
		cpu.Seconds(), float64(cpu.Microseconds())/float64(o.n))
	fmt.Printf("store           %d delivery ids in bbolt; %d announcement lines routed\n",
		stored, t.lines.lines.Load())
}

// pct returns the p-th percentile of sorted durations.
func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	i = min(max(i-1, 0), len(sorted)-1)
	return sorted[i].Round(time.Microsecond)
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssPeak returns the process's peak resident set (VmHWM) and its
// current one (VmRSS), in bytes, from /proc; zero where unknown.
func rssPeak() (peak, now int64) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmHWM:":
			peak = kb << 10
		case "VmRSS:":
			now = kb << 10
		}
	}
	return peak, now
}

func mib(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
