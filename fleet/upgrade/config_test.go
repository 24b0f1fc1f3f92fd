package upgrade_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/fleet/upgrade/command"
)

// file is how gordon's configuration holds the section: the [upgrade]
// keys, and the command runner's under [upgrade.command].
type file struct {
	Upgrade struct {
		upgrade.Config
		Command command.Config `toml:"command"`
	} `toml:"upgrade"`
}

func decode(t *testing.T, text string) file {
	t.Helper()
	var f file
	if _, err := config.Decode([]byte(text), &f, nil, nil); err != nil {
		t.Fatalf("decode: %v", err)
	}
	f.Upgrade.Config.Defaults()
	f.Upgrade.Command.Defaults()
	return f
}

func TestConfigAsDocumented(t *testing.T) {
	f := decode(t, `
[upgrade]
runner = "command"          # command, ssh or jenkins
batch = 2
max_fail = 1
settle = "30s"
[upgrade.command]
argv = ["/usr/local/bin/upgrade-docker", "{{.Node}}", "{{.Version}}"]
probe = ["/usr/local/bin/docker-version", "{{.Node}}"]
`)
	u, c := f.Upgrade.Config, f.Upgrade.Command
	if err := u.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("command Validate: %v", err)
	}
	if u.Batch != 2 || *u.MaxFail != 1 || *u.Canary != 1 || u.Settle.D() != 30*time.Second ||
		u.VersionMeta != "docker_version" || len(c.Probe) != 2 || c.Timeout.D() != 30*time.Minute {
		t.Fatalf("decoded %+v and %+v", u, c)
	}
}

func TestConfigZeroesAreKept(t *testing.T) {
	f := decode(t, `
[upgrade]
canary = 0
max_fail = 0
settle = "0s"
[upgrade.command]
argv = ["/bin/true"]
`)
	u := f.Upgrade.Config
	if *u.Canary != 0 || *u.MaxFail != 0 || u.Settle.D() != 0 || u.Runner != "command" {
		t.Fatalf("decoded %+v", u)
	}
	if err := u.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

func TestConfigProblems(t *testing.T) {
	f := decode(t, `
[upgrade]
runner = "telnet"
batch = -1
max_fail = -2
settle = "2h"
poll = "0s"
`)
	err := f.Upgrade.Config.Validate()
	if err == nil {
		t.Fatal("Validate passed")
	}
	for _, key := range []string{"runner:", "batch:", "max_fail:", "settle:", "health_timeout:"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("no problem at %s in:\n%v", key, err)
		}
	}
}
