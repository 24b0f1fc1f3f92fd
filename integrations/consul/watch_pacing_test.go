package consul

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNextIndex(t *testing.T) {
	tests := []struct {
		name      string
		prev, got uint64
		want      uint64
	}{
		{"first answer", 0, 42, 42},
		{"moved on", 42, 50, 50},
		{"timed out", 42, 42, 42},
		{"went backwards", 42, 7, 0},
		{"went back to zero", 42, 0, 0},
		{"zero from the start", 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nextIndex(tt.prev, tt.got); got != tt.want {
				t.Fatalf("nextIndex(%d, %d) = %d, want %d", tt.prev, tt.got, got, tt.want)
			}
		})
	}
}

// ceiling is the most retryDelay may wait after failures failures in a
// row, worked out by doubling so that it cannot overflow.
func ceiling(opts WatchOptions, failures int) time.Duration {
	d := opts.RetryMin
	for range failures - 1 {
		if d > opts.RetryMax/2 {
			return opts.RetryMax
		}
		d *= 2
	}
	return min(d, opts.RetryMax)
}

func TestRetryDelay(t *testing.T) {
	tests := []struct {
		name string
		opts WatchOptions
	}{
		{"defaults", WatchOptions{}},
		{"short", WatchOptions{RetryMin: 100 * time.Millisecond, RetryMax: time.Second}},
		{"long", WatchOptions{RetryMin: 20 * time.Second, RetryMax: 10 * time.Minute}},
		{"equal", WatchOptions{RetryMin: time.Second, RetryMax: time.Second}},
		{"max below min", WatchOptions{RetryMin: 2 * time.Second, RetryMax: time.Second}},
		{"one nanosecond", WatchOptions{RetryMin: 1, RetryMax: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := (&Client{}).WatchHealth(tt.opts)
			opts := w.opts

			// Enough failures in a row to pass any shift limit, drawn
			// often enough to meet both ends of the jitter.
			for failures := 1; failures <= 80; failures++ {
				d := ceiling(opts, failures)
				for range 200 {
					got := w.retryDelay(failures)
					if got < d/2 || got > d || got > opts.RetryMax {
						t.Fatalf("retryDelay(%d) = %s, want within [%s, %s] and at most RetryMax %s",
							failures, got, d/2, d, opts.RetryMax)
					}
				}
			}
		})
	}
}

// fakeConsul stands in for Consul's health endpoint: answer writes the
// answer to the n-th query (from 0), and every query's index is recorded.
type fakeConsul struct {
	answer func(n int, w http.ResponseWriter, r *http.Request)

	mu    sync.Mutex
	asked []string
}

func (f *fakeConsul) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	n := len(f.asked)
	f.asked = append(f.asked, r.URL.Query().Get("index"))
	f.mu.Unlock()

	f.answer(n, w, r)
}

// indexes returns the index of each query so far, empty for none.
func (f *fakeConsul) indexes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.asked)
}

// start serves f until the test ends and returns a client for it.
func (f *fakeConsul) start(t *testing.T) *Client {
	t.Helper()

	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return newClient(t, Config{Address: strings.TrimPrefix(srv.URL, "http://")})
}

// answerChecks answers with body at index, as Consul does.
func answerChecks(w http.ResponseWriter, index uint64, body string) {
	w.Header().Set("X-Consul-Index", strconv.FormatUint(index, 10))
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, body)
}

// hold answers nothing until the query is abandoned, as a blocking query
// with no change.
func hold(w http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
}

func TestWatchIndexReset(t *testing.T) {
	answers := []uint64{10, 20, 5, 0}
	fake := &fakeConsul{answer: func(n int, w http.ResponseWriter, r *http.Request) {
		if n >= len(answers) {
			hold(w, r)
			return
		}
		answerChecks(w, answers[n], "[]")
	}}
	c := fake.start(t)

	runWatch(t, c.WatchHealth(WatchOptions{MinInterval: time.Millisecond}))
	waitFor(t, "asked five times", func() bool { return len(fake.indexes()) >= 5 })

	// Blocking on each index answered; from scratch (no index) once it
	// went backwards; on 1, not 0, after an answer at 0.
	want := []string{"", "10", "20", "", "1"}
	if got := fake.indexes(); !slices.Equal(got, want) {
		t.Fatalf("indexes asked = %q, want %q", got, want)
	}
}

func TestWatchDoesNotSpin(t *testing.T) {
	check := `[{"Node":"dm-1","CheckID":"disk","Name":"disk","Status":"passing"}]`
	tests := []struct {
		name   string
		answer func(n int, w http.ResponseWriter, r *http.Request)

		// least is the least time the watch must leave between two
		// queries: MinInterval after an answer, half of RetryMin after a
		// failure.
		least time.Duration

		// snapshots is how many the answers make: an answer at each
		// query, each at a new index, is still one state.
		snapshots uint64
	}{
		{"busy catalog", func(n int, w http.ResponseWriter, _ *http.Request) {
			answerChecks(w, uint64(n+1), check)
		}, 100 * time.Millisecond, 1},
		{"failing at once", func(_ int, w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "rpc error: No cluster leader", http.StatusInternalServerError)
		}, 50 * time.Millisecond, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeConsul{answer: tt.answer}
			c := fake.start(t)
			w := c.WatchHealth(WatchOptions{
				MinInterval: 100 * time.Millisecond,
				RetryMin:    100 * time.Millisecond,
				RetryMax:    time.Second,
			})
			runWatch(t, w)
			waitFor(t, "asked", func() bool { return len(fake.indexes()) > 0 })

			// A window of time, then the number of queries sent in it.
			queries, start := len(fake.indexes()), time.Now()
			<-time.After(time.Second)
			sent, window := len(fake.indexes())-queries, time.Since(start)
			if most := int(window/tt.least) + 2; sent > most {
				t.Fatalf("%d queries in %s, want at most %d", sent, window, most)
			}
			t.Logf("%d queries in %s", sent, window)

			if st := w.Stats(); st.Snapshots != tt.snapshots || st.Delivered != tt.snapshots {
				t.Fatalf("stats = %+v, want %d snapshots, all delivered", st, tt.snapshots)
			}
		})
	}
}
