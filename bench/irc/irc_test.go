// Package irc measures gordon on a real IRC server: start to joined, idle
// memory, and the time from a person's line to gordon's reply. It runs
// the real binary against Debian's ngircd on loopback; see BENCHMARKS.md.
package irc

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/internal/testbed"
)

// gordonBinary builds the static binary once per run.
func gordonBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "gordon")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/gordonbot/gordon/cmd/gordon")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build gordon: %v\n%s", err, out)
	}
	return bin
}

// startGordon runs the binary against ircAddr and returns the process and
// its HTTP address.
func startGordon(b *testing.B, bin, ircAddr, flood string) (*exec.Cmd, string) {
	b.Helper()
	dir := b.TempDir()
	httpAddr := fmt.Sprintf("127.0.0.1:%d", testbed.FreePort(b))
	cfg := fmt.Sprintf(`
[irc]
server = %q
channels = ["#fleet"]
flood_interval = %q
[[maintainers]]
name = "bench"
hostmasks = ["bench!*@*"]
[commands]
rate_burst = 1000
rate_interval = "1us"
[store]
path = %q
[http]
listen = %q
[log]
level = "warn"
`, ircAddr, flood, filepath.Join(dir, "gordon.db"), httpAddr)
	path := filepath.Join(dir, "gordon.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}

	cmd := exec.Command(bin, "run", "-config", path)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	return cmd, httpAddr
}

// waitReady polls /readyz until it answers 200.
func waitReady(b *testing.B, httpAddr string) {
	b.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + httpAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatal("gordon never became ready")
}

// BenchmarkStartToJoined times the binary from exec to /readyz answering
// 200 (registered and joined), and reports the idle RSS two seconds later.
func BenchmarkStartToJoined(b *testing.B) {
	srv := testbed.StartNgircd(b, testbed.NgircdOptions{NoPenalty: true})
	bin := gordonBinary(b)

	var rss int
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		cmd, httpAddr := startGordon(b, bin, srv.Addr, "2s")
		waitReady(b, httpAddr)
		elapsed := time.Since(start)

		b.StopTimer()
		time.Sleep(2 * time.Second)
		rss = max(rss, rssKiB(b, cmd.Process.Pid))
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		b.ReportMetric(float64(elapsed.Milliseconds()), "ms-to-joined")
		b.StartTimer()
	}
	b.ReportMetric(float64(rss)/1024, "idle-RSS-MiB")
}

func rssKiB(b *testing.B, pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

// BenchmarkLineToReply times a person's "!version" in the channel to
// gordon's answer arriving back, one at a time, with ngircd's penalties
// off and gordon's own pacing at 50µs a line, so what is
// measured is the server hop plus gordon's own work.
func BenchmarkLineToReply(b *testing.B) {
	srv := testbed.StartNgircd(b, testbed.NgircdOptions{NoPenalty: true})
	_, httpAddr := startGordon(b, gordonBinary(b), srv.Addr, "50us")
	waitReady(b, httpAddr)
	conn, r := rawClient(b, srv.Addr)

	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		fmt.Fprintf(conn, "PRIVMSG #fleet :!version\r\n")
		waitLine(b, r, "PRIVMSG #fleet :gordon ")
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()

	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(samples[len(samples)*99/100].Microseconds()), "p99-µs")
}

// rawClient registers a plain connection as "bench" and joins #fleet.
func rawClient(b *testing.B, addr string) (net.Conn, *bufio.Reader) {
	b.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "NICK bench\r\nUSER bench 0 * :bench\r\nJOIN #fleet\r\n")
	r := bufio.NewReader(conn)
	waitLine(b, r, " 366 bench #fleet ")
	return conn, r
}

// waitLine reads until a line containing want, answering PINGs.
func waitLine(b *testing.B, r *bufio.Reader, want string) {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			b.Fatalf("waiting for %q: %v", want, err)
		}
		if strings.Contains(line, want) {
			return
		}
	}
}
