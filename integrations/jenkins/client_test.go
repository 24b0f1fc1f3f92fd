package jenkins

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

func TestVersion(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url)

	v, err := c.Version(context.Background())
	if err != nil || v != "2.440.3" {
		t.Fatalf("Version = %q, %v; want 2.440.3", v, err)
	}
}

func TestCredentials(t *testing.T) {
	tests := []struct {
		name  string
		user  string
		token string
		code  int
	}{
		{"anonymous", "", "", http.StatusForbidden},
		{"wrong token", testUser, "nope", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := startSim(t, 0)
			c := newTestClient(t, sim.url, func(cfg *Config) { cfg.User, cfg.Token = tt.user, tt.token })

			_, err := c.Job(context.Background(), "docker-pr")
			var se *StatusError
			if !errors.As(err, &se) || se.Code != tt.code {
				t.Fatalf("error = %v, want status %d", err, tt.code)
			}
			if !strings.Contains(se.Brief(), "gordon") {
				t.Errorf("Brief() = %q does not say it is gordon's credentials", se.Brief())
			}
		})
	}
}

func TestReadsRetryWritesDoNot(t *testing.T) {
	sim := startSim(t, time.Minute)
	c := newTestClient(t, sim.url)
	ctx := context.Background()

	sim.AddFault(jenkinstest.Fault{Method: http.MethodGet, Status: http.StatusServiceUnavailable, Count: 2})
	if _, err := c.Job(ctx, "docker-pr"); err != nil {
		t.Fatalf("a read failing twice then working: %v", err)
	}

	sim.AddFault(jenkinstest.Fault{Method: http.MethodPost, Status: http.StatusServiceUnavailable, Count: 1})
	_, err := c.Trigger(ctx, "docker-pr", map[string]string{"PR": "1"})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusServiceUnavailable {
		t.Fatalf("Trigger error = %v, want a 503", err)
	}
	if n := len(sim.Posts()); n != 1 {
		t.Fatalf("%d posts, want exactly 1: writes are never repeated", n)
	}
	if n := len(sim.Waiting("docker-pr")); n != 0 {
		t.Fatalf("%d items queued, want none", n)
	}
}

func TestReadGivesUpAfterAttempts(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url, func(cfg *Config) { cfg.ReadAttempts = 2 })
	sim.AddFault(jenkinstest.Fault{Status: http.StatusBadGateway})

	_, err := c.Job(context.Background(), "docker-pr")
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusBadGateway {
		t.Fatalf("error = %v, want a 502", err)
	}
	if n := len(sim.Requests()); n != 2 {
		t.Fatalf("%d requests, want 2 attempts", n)
	}
}

func TestSlowReadIsNotRepeated(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url, func(cfg *Config) { cfg.Timeout = 50 * time.Millisecond })
	sim.AddFault(jenkinstest.Fault{Method: http.MethodGet, Delay: time.Minute})

	_, err := c.Job(context.Background(), "docker-pr")
	var ne *NetError
	if !errors.As(err, &ne) || !ne.Timeout || ne.Brief() != "Jenkins did not answer in time" {
		t.Fatalf("error = %v, want a timeout", err)
	}
	if n := len(sim.Requests()); n != 1 {
		t.Fatalf("%d requests, want 1: a read that timed out is not tried again", n)
	}
}

func TestSlowJenkins(t *testing.T) {
	// Either way the client cannot tell whether Jenkins acted, and says
	// so.
	tests := []struct {
		name   string
		fault  jenkinstest.Fault
		queued int
	}{
		{
			name:  "slow before acting",
			fault: jenkinstest.Fault{Method: http.MethodPost, Delay: time.Minute},
		},
		{
			name:   "acts, then answers late",
			fault:  jenkinstest.Fault{Method: http.MethodPost, Delay: time.Minute, Late: true},
			queued: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := startSim(t, time.Minute)
			c := newTestClient(t, sim.url, func(cfg *Config) { cfg.Timeout = 50 * time.Millisecond })
			sim.AddFault(tt.fault)

			_, err := c.Trigger(context.Background(), "docker-pr", map[string]string{"PR": "1"})
			var ne *NetError
			if !errors.As(err, &ne) || !ne.Timeout {
				t.Fatalf("error = %v, want a timeout *NetError", err)
			}
			if !ne.MaybeDone || !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("MaybeDone = %v: a POST that timed out may have been done", ne.MaybeDone)
			}
			sim.ClearFaults()
			if n := len(sim.Waiting("docker-pr")); n != tt.queued {
				t.Fatalf("%d items queued, want %d", n, tt.queued)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c := newTestClient(t, url, func(cfg *Config) { cfg.ReadAttempts = 1 })
	ctx := context.Background()

	_, err := c.Job(ctx, "docker-pr")
	if !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("read error = %v, want ErrUnreachable only", err)
	}

	// gojenkins panics when its crumb request gets no answer; the write
	// was never sent, so its outcome is known.
	_, err = c.post(ctx, "/job/docker-pr/build", nil, nil)
	var ne *NetError
	if !errors.As(err, &ne) || ne.MaybeDone || !errors.Is(err, errCrumb) {
		t.Fatalf("write error = %v, want a *NetError from the crumb, not maybe done", err)
	}
	if got := ne.Brief(); got != "Jenkins is unreachable" {
		t.Fatalf("Brief() = %q", got)
	}
}

func TestCallerContextEnds(t *testing.T) {
	sim := startSim(t, 0)
	c := newTestClient(t, sim.url)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := c.Job(ctx, "docker-pr")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("error = %v, want context.Canceled, not unreachable", err)
	}
}

func TestForbiddenWrite(t *testing.T) {
	sim := startSim(t, time.Minute)
	c := newTestClient(t, sim.url)
	sim.AddFault(jenkinstest.Fault{Method: http.MethodPost, Status: http.StatusForbidden})

	_, err := c.Trigger(context.Background(), "docker-pr", map[string]string{"PR": "1"})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusForbidden {
		t.Fatalf("error = %v, want 403", err)
	}
	if !strings.Contains(se.Brief(), "may not") {
		t.Fatalf("Brief() = %q", se.Brief())
	}
}

func TestJobPath(t *testing.T) {
	tests := []struct {
		job  string
		want string
	}{
		{"docker-pr", "/job/docker-pr"},
		{"infra/tools", "/job/infra/job/tools"},
		{"with space", "/job/with%20space"},
	}
	for _, tt := range tests {
		t.Run(tt.job, func(t *testing.T) {
			if got := jobPath(tt.job); got != tt.want {
				t.Fatalf("jobPath(%q) = %q, want %q", tt.job, got, tt.want)
			}
		})
	}
}
