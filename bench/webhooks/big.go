package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gordonbot/gordon/integrations/github"
)

// runBig sends o.big large push deliveries, o.bigConc at a time, to
// gordon's side running in a child process, so that the memory it
// reports is gordon's alone, not the harness's copy of the body.
func runBig(o options) error {
	body, err := bigPush(o.bigSize)
	if err != nil {
		return err
	}
	signature := github.Sign(secrets[1], body)

	child, err := startChild()
	if err != nil {
		return err
	}
	defer child.close()

	before, err := child.ask("reset")
	if err != nil {
		return err
	}
	start := time.Now()
	accepted, err := sendBig(child.url, body, signature, o)
	if err != nil {
		return err
	}
	after, err := child.ask(fmt.Sprintf("wait %d", accepted))
	if err != nil {
		return err
	}

	elapsed := time.Since(start)
	fmt.Printf("large deliveries %d of %s, %d at a time, GOMAXPROCS %d\n",
		o.big, mib(int64(len(body))), o.bigConc, runtime.GOMAXPROCS(0))
	fmt.Printf("time             %s in all, %s a delivery\n",
		elapsed.Round(time.Millisecond), (elapsed / time.Duration(o.big)).Round(time.Millisecond))
	fmt.Printf("gordon's side    before: %s\n", before)
	fmt.Printf("                 peak:   %s\n", after)
	return nil
}

// child is gordon's side in a process of its own, driven over its stdin.
type child struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
	url string
}

func startChild() (*child, error) {
	cmd := exec.Command(os.Args[0], "-serve")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start gordon's side: %w", err)
	}

	c := &child{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	if !c.out.Scan() {
		return nil, fmt.Errorf("gordon's side said nothing: %v", c.out.Err())
	}
	c.url = strings.TrimPrefix(c.out.Text(), "ready ")
	return c, nil
}

// ask sends one command line and returns the answer line.
func (c *child) ask(command string) (string, error) {
	if _, err := fmt.Fprintln(c.in, command); err != nil {
		return "", err
	}
	if !c.out.Scan() {
		return "", fmt.Errorf("%s: no answer: %v", command, c.out.Err())
	}
	return c.out.Text(), nil
}

func (c *child) close() {
	_ = c.in.Close()
	_ = c.cmd.Wait()
}

// serveChild is the child's side: it answers "reset" by settling memory
// and starting to watch it, and "wait N" by waiting for N events to be
// handled and giving the peaks.
func serveChild(t *target, in io.Reader, out io.Writer) error {
	fmt.Fprintln(out, "ready "+t.url)

	var peak func() int64
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		command, arg, _ := strings.Cut(lines.Text(), " ")
		switch command {
		case "reset":
			heap, rss := settle()
			peak = watchHeap()
			fmt.Fprintf(out, "heap %s, rss %s\n", mib(heap), mib(rss))
		case "wait":
			var n int64
			fmt.Sscan(arg, &n)
			if err := t.waitHandled(n, 5*time.Minute); err != nil {
				return err
			}
			rss, _ := rssPeak()
			fmt.Fprintf(out, "heap %s, rss %s (VmHWM)\n", mib(peak()), mib(rss))
		}
	}
	return lines.Err()
}

// sendBig posts the large body under fresh IDs and returns how many were
// accepted; any other answer is an error.
func sendBig(url string, body []byte, signature string, o options) (int64, error) {
	client := &http.Client{Timeout: 2 * time.Minute}
	var accepted atomic.Int64
	var failed atomic.Value
	var next atomic.Int64
	var wg sync.WaitGroup
	for range o.bigConc {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(o.big); i = next.Add(1) - 1 {
				status, text, err := post(client, url, "push", deliveryID(int(i)), body, signature)
				switch {
				case err != nil:
					failed.Store(fmt.Errorf("large delivery %d: %w", i, err))
				case status != http.StatusAccepted:
					failed.Store(fmt.Errorf("large delivery %d: status %d: %s", i, status, text))
				default:
					accepted.Add(1)
				}
			}
		})
	}
	wg.Wait()

	if err, ok := failed.Load().(error); ok {
		return accepted.Load(), err
	}
	return accepted.Load(), nil
}

// settle collects garbage, returns memory to the system and resets the
// kernel's peak RSS, then returns the heap and RSS to measure from.
func settle() (heap, rss int64) {
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)

	_, rss = rssPeak()
	return heapBytes(), rss
}

// watchHeap samples the heap every millisecond until the returned
// function is called, which returns the highest sample.
func watchHeap() func() int64 {
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if h := heapBytes(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	}()
	return func() int64 {
		close(stop)
		<-done
		return peak.Load()
	}
}

// heapBytes returns the bytes of heap memory the Go runtime holds for
// objects, live or not yet collected.
func heapBytes() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// bigPush returns a push payload of about size bytes: a merge of a long
// branch, with commits that each touch many files, the way a payload
// grows to GitHub's 25 MB cap.
func bigPush(size int) ([]byte, error) {
	one, err := json.Marshal(bigCommit(0))
	if err != nil {
		return nil, err
	}

	commits := make([]map[string]any, 0, size/len(one))
	for i := range max(size/len(one)-1, 1) {
		commits = append(commits, bigCommit(i))
	}
	push := map[string]any{
		"ref": "refs/heads/master", "before": strings.Repeat("a", 40), "after": strings.Repeat("b", 40),
		"created": false, "deleted": false, "forced": false,
		"compare":    "https://github.com/docker/docker/compare/aaaaaaaaaaaa...bbbbbbbbbbbb",
		"commits":    commits,
		"repository": map[string]any{"full_name": "docker/docker", "name": "docker", "id": 7691631},
		"pusher":     map[string]any{"name": "alice-maint", "email": "alice@example.org"},
		"sender":     map[string]any{"login": "alice-maint", "id": 5120341, "type": "User"},
	}
	return json.Marshal(push)
}

// bigCommit is one commit of the large push, about 12 KB of JSON.
func bigCommit(i int) map[string]any {
	files := make([]string, 120)
	for j := range files {
		files[j] = fmt.Sprintf("integration-cli/fixtures/vendor/github.com/example/module%03d/file%03d.go",
			i%1000, j)
	}
	sha := fmt.Sprintf("%040x", i+1)
	who := map[string]any{"name": "Alice Maintainer", "email": "alice@example.org", "username": "alice-maint"}
	return map[string]any{
		"id": sha, "tree_id": sha, "distinct": true,
		"message":   fmt.Sprintf("Vendor module %d\n\n%s", i, strings.Repeat("Update vendored code. ", 60)),
		"timestamp": "2015-06-22T11:02:14+02:00",
		"url":       "https://github.com/docker/docker/commit/" + sha,
		"author":    who, "committer": who,
		"added": []string{}, "removed": []string{}, "modified": files,
	}
}
