package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeConfig writes text as a config file whose store lives in the test's
// temporary directory.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	text = strings.ReplaceAll(text, `path = "gordon.db"`, `path = "`+filepath.Join(dir, "gordon.db")+`"`)
	path := filepath.Join(dir, "gordon.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// exampleConfig returns config.example.toml, its upgrade programs
// replaced by ones every machine has (gordon checks they exist at start)
// and GitHub's API by a closed local port.
func exampleConfig(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "/usr/local/bin/upgrade-docker", "/bin/true")
	text = strings.ReplaceAll(text, "/usr/local/bin/docker-version", "/bin/echo")
	// Tests never reach the internet: GitHub is a port that refuses.
	return strings.ReplaceAll(text, `api_url = "https://api.github.com/"`, `api_url = "http://127.0.0.1:1/"`)
}

func TestExampleConfigLoads(t *testing.T) {
	var out, errOut bytes.Buffer
	code := realMain([]string{"check-config", "-config", "../../config.example.toml"}, nil, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), ": ok") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, &out, &errOut)
	}
	if strings.Contains(out.String(), "warning") {
		t.Fatalf("the example must not teach literal secrets: %s", &out)
	}
}

func TestCheckConfigListsEveryProblem(t *testing.T) {
	path := writeConfig(t, `
[irc]
server = "localhost"
nick = "gordon"
channels = ["fleet"]
colours = true
sasl_user = "gordon"
sasl_password = "${GORDON_TEST_UNSET_VARIABLE}"

[[maintainers]]
name = "alice"
accounts = ["alice"]

[commands]
timeout = "soon"

[http]
listen = "nowhere"
`)
	var out, errOut bytes.Buffer
	code := realMain([]string{"check-config", "-config", path}, nil, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}

	got := errOut.String()
	for _, want := range []string{"irc.colours", "GORDON_TEST_UNSET_VARIABLE", "commands.timeout"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems should name %s:\n%s", want, got)
		}
	}
}

func TestCheckConfigValidationProblems(t *testing.T) {
	path := writeConfig(t, `
[irc]
server = "localhost"
channels = ["fleet"]

[commands]
rate_burst = -1

[http]
listen = "nowhere"
`)
	var out, errOut bytes.Buffer
	code := realMain([]string{"check-config", "-config", path}, nil, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}

	got := errOut.String()
	for _, want := range []string{"irc.server", "irc.channels[0]", "maintainers", "commands.rate_burst", "http.listen"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems should name %s:\n%s", want, got)
		}
	}
}

func TestCheckConfigWarnsOnLiteralSecret(t *testing.T) {
	path := writeConfig(t, strings.Replace(exampleConfig(t), "[irc]\n",
		"[irc]\nsasl_user = \"gordon\"\nsasl_password = \"hunter2\"\n", 1))
	var out, errOut bytes.Buffer
	code := realMain([]string{"check-config", "-config", path}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("a literal secret works; exit %d: %s", code, &errOut)
	}
	if !strings.Contains(out.String(), "warning: irc.sasl_password") || strings.Contains(out.String(), "hunter2") {
		t.Fatalf("want a warning naming the key but not the secret: %s", &out)
	}
}

func TestConsoleThroughPipe(t *testing.T) {
	path := writeConfig(t, exampleConfig(t))
	inR, inW := io.Pipe()
	go func() {
		io.WriteString(inW, "help\nwhoami\nversion\nfrobnicate\n")
		inW.Close()
	}()

	var out, errOut bytes.Buffer
	code := realMain([]string{"console", "-config", path}, inR, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, &errOut)
	}

	got := out.String()
	for _, want := range []string{
		"commands: build, builds, cancel, confirm, help, maint, node, nodes, rebuild, schedules, silence, silences, unsilence, upgrade, version, whoami",
		"alice: account alice (from console)",
		"role: maintainer alice",
		"gordon dev (none), up",
		`unknown command "frobnicate"; try help`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("console output lacks %q:\n%s", want, got)
		}
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no command", nil, 2},
		{"unknown command", []string{"frob"}, 2},
		{"bad flag", []string{"check-config", "-nope"}, 2},
		{"version", []string{"version"}, 0},
		{"missing file", []string{"check-config", "-config", "/nonexistent/gordon.toml"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := realMain(tt.args, nil, &out, &errOut); code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, &out, &errOut)
			}
		})
	}
}

// TestMain gives the example config the secrets it reads from the
// environment.
func TestMain(m *testing.M) {
	os.Setenv("JENKINS_TOKEN", "example-token")
	os.Setenv("GITHUB_WEBHOOK_SECRET", "example-webhook-secret")
	os.Setenv("GITHUB_TOKEN", "example-github-token")
	os.Exit(m.Run())
}
