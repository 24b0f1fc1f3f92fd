package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gordonbot/gordon/internal/testbed"
)

// TestUpgradeEndToEnd rolls an upgrade through gordon as it is wired:
// the plan in the channel, confirm, the command runner on each node, the
// probe, one line per batch and a summary, on real ngircd and Consul.
func TestUpgradeEndToEnd(t *testing.T) {
	srv := testbed.StartNgircd(t, testbed.NgircdOptions{NoPenalty: true})
	agent := testbed.StartConsul(t, testbed.ConsulOptions{})
	var nodes []testbed.ConsulNode
	for i := 1; i <= 4; i++ {
		storage := "overlay"
		if i == 4 {
			storage = "devmapper"
		}
		nodes = append(nodes, testbed.ConsulNode{
			Name:   fmt.Sprintf("ov-%d", i),
			Meta:   map[string]string{"kernel": "4.19", "storage": storage, "docker_version": "23.0.0"},
			Checks: []testbed.ConsulCheck{{ID: "docker", Name: "docker-daemon", Status: "passing"}},
		})
	}
	agent.Register(t, nodes...)

	// The runner writes the version a node now runs where the probe
	// reads it; ov-3's runner fails.
	dir := t.TempDir()
	runner := fmt.Sprintf(`argv = ['/bin/sh', '-c', 'test "$1" != ov-3 || { echo no space left >&2; exit 1; }; echo "$2" > %s/"$1"', 'upgrade', '{{.Node}}', '{{.Version}}']`, dir)
	probe := fmt.Sprintf(`probe = ['/bin/sh', '-c', 'cat %s/"$1" 2>/dev/null || echo 23.0.0', 'probe', '{{.Node}}']`, dir)

	path, httpAddr := fleetConfig(t, srv.Addr, agent.Addr)
	cfg := readFile(t, path)
	cfg = strings.Replace(cfg, `argv = ["/bin/true", "{{.Node}}", "{{.Version}}"]`, runner, 1)
	cfg = strings.Replace(cfg, `probe = ["/bin/echo", "{{.Node}}"]`, probe, 1)
	cfg = strings.Replace(cfg, `settle = "30s"`, "settle = \"0s\"\npoll = \"100ms\"", 1)
	cfg = strings.Replace(cfg, `max_fail = 1`, `max_fail = 2`, 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	startGordonProc(t, path)
	alice := testbed.Dial(t, srv.Addr, "alice")
	alice.Join(t, "#fleet")
	waitReady(t, httpAddr)

	alice.Say("#fleet", "!upgrade 24.0.1 storage=overlay --batch=2")
	fromGordon(t, alice, "upgrade to 24.0.1 (storage=overlay): 3 nodes")
	ask := fromGordon(t, alice, "to go ahead")
	token := regexp.MustCompile(`confirm (\w+)`).FindStringSubmatch(ask)
	if token == nil {
		t.Fatalf("no token in %q", ask)
	}

	alice.Say("#fleet", "!confirm "+token[1])
	fromGordon(t, alice, "upgrade to 24.0.1: canary batch 1/2")
	batch := fromGordon(t, alice, "upgrade to 24.0.1: batch 2/2")
	if !strings.Contains(batch, "failed: ov-3") {
		t.Fatalf("batch line does not name the failed node: %q", batch)
	}
	summary := fromGordon(t, alice, "upgrade to 24.0.1 done")
	if !strings.Contains(summary, "ov-3") {
		t.Fatalf("summary does not say where ov-3 is: %q", summary)
	}

	for _, n := range []string{"ov-1", "ov-2"} {
		if got := strings.TrimSpace(readFile(t, filepath.Join(dir, n))); got != "24.0.1" {
			t.Errorf("%s runs %q after the upgrade", n, got)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "ov-4")); err == nil {
		t.Error("the devmapper node was upgraded too")
	}

	// ov-3 failed and stays in maintenance, in gordon's record at least.
	alice.Say("#fleet", "!nodes maint")
	fromGordon(t, alice, "ov-3")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
