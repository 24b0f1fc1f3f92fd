package jenkinsrunner

import (
	"strings"

	"github.com/gordonbot/gordon/config"
)

// Config is the [upgrade.jenkins] section.
type Config struct {
	// Job is the job that upgrades one node; a job in a folder is
	// "folder/job".
	Job string `toml:"job"`

	// Pin runs the build on the node's own agent, through the [jenkins]
	// node_param. Jenkins starts nothing on an agent that is offline.
	Pin bool `toml:"pin"`

	// NodeParam is a parameter of Job that receives the node's name, for
	// a job that runs elsewhere and reaches the node itself. Required
	// unless Pin is set; with Pin it must not be the [jenkins] node_param,
	// which pinning fills. It must be a plain parameter: a node or label
	// parameter would pin the build to the node's agent, which is offline
	// during its upgrade, and the build would wait in the queue.
	NodeParam string `toml:"node_param"`

	// VersionParam receives the version to install; URLParam, when set,
	// the URL of a master build. An upgrade to a master build is refused
	// without it, since the job could not find the build.
	VersionParam string `toml:"version_param"`
	URLParam     string `toml:"url_param"`
}

// DefaultVersionParam is the version parameter when none is configured.
const DefaultVersionParam = "VERSION"

// Defaults fills what was left unset.
func (c *Config) Defaults() {
	if c.VersionParam == "" {
		c.VersionParam = DefaultVersionParam
	}
}

// Validate reports every problem with its key. It expects Defaults to
// have run. Whether the job has these parameters is checked by Jenkins'
// client at each run, against the job as it is then.
func (c Config) Validate() error {
	var p config.Problems
	if strings.TrimSpace(c.Job) == "" {
		p.Add("job", "required: the Jenkins job that upgrades one node")
	}
	if !c.Pin && c.NodeParam == "" {
		p.Add("node_param", "required unless pin = true: the job must learn which node to upgrade")
	}

	seen := map[string]string{}
	params := [][2]string{
		{"node_param", c.NodeParam}, {"version_param", c.VersionParam}, {"url_param", c.URLParam},
	}
	for _, kv := range params {
		key, name := kv[0], kv[1]
		switch {
		case name == "" && key != "version_param":
		case name == "" || strings.ContainsAny(name, " =&"):
			p.Add(key, "%q is not a parameter name", name)
		case seen[name] != "":
			p.Add(key, "%q is also %s", name, seen[name])
		default:
			seen[name] = key
		}
	}
	return p.Err()
}
