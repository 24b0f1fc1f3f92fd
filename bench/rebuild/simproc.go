package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// simProcess is a simulated Jenkins running in a child process: this
// program again, with -sim.
type simProcess struct {
	url   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startSim starts a child serving a simulator as o says, and returns
// once it listens.
func startSim(o simOptions) (*simProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return startSimFrom(exe, o)
}

func startSimFrom(exe string, o simOptions) (*simProcess, error) {
	cmd := exec.Command(exe, o.args()...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the simulator: %w", err)
	}

	p := &simProcess{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("read the simulator's address: %w", err)
	}
	p.url = strings.TrimSpace(line)
	return p, nil
}

// served returns every request the simulator answered so far. It fails
// when the simulator's own count of requests disagrees.
func (p *simProcess) served(ctx context.Context) ([]served, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+statsPath, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ask the simulator what it served: %w", err)
	}
	defer resp.Body.Close()

	var rep servedReport
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		return nil, fmt.Errorf("read what the simulator served: %w", err)
	}
	if rep.Recorded != len(rep.Served) {
		return nil, fmt.Errorf("the simulator recorded %d requests, its wrapper %d", rep.Recorded, len(rep.Served))
	}
	return rep.Served, nil
}

// stop ends the child and waits for it.
func (p *simProcess) stop() error {
	_ = p.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()

	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		return <-done
	}
}

// between returns the requests that arrived from start until end.
func between(all []served, start, end time.Time) []served {
	var out []served
	for _, s := range all {
		if s.At >= start.UnixNano() && s.At < end.UnixNano() {
			out = append(out, s)
		}
	}
	return out
}
