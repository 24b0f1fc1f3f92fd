package command

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/outtail"
)

// script writes an executable shell script named name into dir.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func newRunner(t *testing.T, cfg Config) *Runner {
	t.Helper()
	r, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

var dm3 = upgrade.Target{Node: "dm-3", Address: "10.0.0.3", Version: "24.0.1-rc1"}

func TestRunPassesArgumentsAsTheyAre(t *testing.T) {
	dir := t.TempDir()
	prog := script(t, dir, "upgrade-docker", `printf '%s\n' "$#" "$@"`)
	r := newRunner(t, Config{Argv: []string{prog, "{{.Node}}", "{{.Version}} on {{.Address}}", "{{.URL}}", "$(touch pwned)"}})

	target := dm3
	target.Address = "10.0.0.3;touch pwned"
	res, err := r.Run(context.Background(), target)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	want := "4\ndm-3\n24.0.1-rc1 on 10.0.0.3;touch pwned\n\n$(touch pwned)"
	if res.Output != want {
		t.Fatalf("the program saw\n%q\nwant\n%q", res.Output, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("a shell ran the arguments")
	}
}

func TestRunFailure(t *testing.T) {
	dir := t.TempDir()
	prog := script(t, dir, "upgrade-docker", `
i=0
while [ $i -lt 2000 ]; do echo "apt: unpacking part $i"; i=$((i+1)); done
echo "E: no space left on device" >&2
exit 3
`)
	r := newRunner(t, Config{Argv: []string{prog, "{{.Node}}"}})

	res, err := r.Run(context.Background(), dm3)
	var run *RunError
	if !errors.As(err, &run) || run.Code != 3 || run.TimedOut {
		t.Fatalf("Run = %v, want a RunError with status 3", err)
	}
	if err.Error() != "upgrade-docker for dm-3 exited with status 3: E: no space left on device" {
		t.Fatalf("error text %q", err.Error())
	}
	if len(res.Output) > outtail.Max || !strings.HasSuffix(res.Output, "no space left on device") ||
		strings.Contains(res.Output, "part 0\n") {
		t.Fatalf("output kept: %d bytes ending %q", len(res.Output), res.Output[len(res.Output)-40:])
	}
}

func TestRunTimeoutKillsTheWholeGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	prog := script(t, dir, "upgrade-docker", `
sleep 30 &
echo $! > `+pidFile+`
echo "waiting for the package manager"
wait
`)
	r := newRunner(t, Config{Argv: []string{prog}, Timeout: config.Duration(time.Second)})

	started := time.Now()
	_, err := r.Run(context.Background(), dm3)
	var run *RunError
	if !errors.As(err, &run) || !run.TimedOut || run.Code != -1 {
		t.Fatalf("Run = %v, want a RunError that timed out", err)
	}
	if took := time.Since(started); took > 1500*time.Millisecond+waitDelay {
		t.Fatalf("Run took %s to give up", took)
	}
	if !strings.Contains(err.Error(), "killed after 1s: waiting for the package manager") {
		t.Fatalf("error text %q", err.Error())
	}

	// The child sleep died with it.
	pid, _ := os.ReadFile(pidFile)
	deadline := time.Now().Add(2 * time.Second)
	for alive(strings.TrimSpace(string(pid))) {
		if time.Now().After(deadline) {
			t.Fatalf("the runner's child %s outlived it", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alive reports whether process pid runs (and is not a zombie).
func alive(pid string) bool {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat))
	return len(fields) > 2 && fields[2] != "Z"
}

func TestRunStopsWithItsContext(t *testing.T) {
	prog := script(t, t.TempDir(), "upgrade-docker", "sleep 30\n")
	r := newRunner(t, Config{Argv: []string{prog}})

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := r.Run(ctx, dm3)
	var run *RunError
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &run) {
		t.Fatalf("Run = %v, want the caller's context error", err)
	}
}

func TestProbe(t *testing.T) {
	dir := t.TempDir()
	prog := script(t, dir, "upgrade-docker", "exit 0\n")
	probe := script(t, dir, "docker-version", `echo "Docker version 24.0.1-rc1, build $1"`+"\n")
	r := newRunner(t, Config{Argv: []string{prog}, Probe: []string{probe, "{{.Node}}"}})

	got, err := r.Probe(context.Background(), dm3)
	if err != nil || got != "Docker version 24.0.1-rc1, build dm-3" || !r.HasProbe() {
		t.Fatalf("Probe = %q, %v", got, err)
	}

	bare := newRunner(t, Config{Argv: []string{prog}})
	if _, err := bare.Probe(context.Background(), dm3); !errors.Is(err, ErrNoProbe) || bare.HasProbe() {
		t.Fatalf("Probe without a probe = %v, want ErrNoProbe", err)
	}
}

func TestRefusedTargets(t *testing.T) {
	prog := script(t, t.TempDir(), "upgrade-docker", "exit 0\n")
	r := newRunner(t, Config{Argv: []string{prog, "{{.Node}}"}})

	for _, tg := range []upgrade.Target{
		{Node: "-rf", Version: "1.0.0"},
		{Node: "dm-1", Version: "1.0.0\nreboot"},
	} {
		if _, err := r.Run(context.Background(), tg); err == nil {
			t.Fatalf("Run(%+v) ran", tg)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // "" when valid
	}{
		{"fine", Config{Argv: []string{"/bin/true", "{{.Node}}", "--to={{.Version}}"}}, ""},
		{"no argv", Config{}, "argv: required"},
		{"templated program", Config{Argv: []string{"{{.Node}}"}}, "argv[0]: the program may not be a template"},
		{"unknown field", Config{Argv: []string{"/bin/true", "{{.Nodes}}"}}, "argv[1]: template"},
		{"bad template", Config{Argv: []string{"/bin/true"}, Probe: []string{"/bin/true", "{{.Node"}}, "probe[1]: bad template"},
		{"short timeout", Config{Argv: []string{"/bin/true"}, Timeout: config.Duration(time.Millisecond)}, "timeout: must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Defaults()
			err := tt.cfg.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}

	if _, err := New(Config{Argv: []string{"/no/such/upgrade-docker"}}, nil); err == nil {
		t.Fatal("New must refuse a program that is not there")
	}
}
