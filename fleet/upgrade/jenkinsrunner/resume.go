package jenkinsrunner

import (
	"context"
	"fmt"

	"github.com/gordonbot/gordon/fleet/upgrade"
	"github.com/gordonbot/gordon/integrations/jenkins"
)

// resumeDepth is how many of the job's newest builds are searched for one
// that is upgrading the node already. Builds of one upgrade are among the
// newest while it runs; a deeper search only costs.
const resumeDepth = 50

// running returns a build of the job that is still upgrading t to its
// version, as after a restart of gordon in the middle of a run. Following
// it, rather than queueing a second build, keeps two package managers
// from running on the node at once.
func (r *Runner) running(ctx context.Context, t upgrade.Target) (jenkins.Build, bool, error) {
	builds, err := r.jenkins.Builds(ctx, r.cfg.Job, resumeDepth)
	if err != nil {
		err = fmt.Errorf("look for a running upgrade of %s: %w", t.Node, err)
		return jenkins.Build{}, false, err
	}

	for _, b := range builds {
		if b.Building && r.upgrades(b, t) {
			r.log.Info("upgrade build followed again", keyJob, r.cfg.Job, keyBuild, b.Number,
				keyURL, b.URL, keyNode, t.Node, keyResumed, true)
			return b, true, nil
		}
	}
	return jenkins.Build{}, false, nil
}

// upgrades reports whether build b was queued for t: the same version
// and build URL, and the same node by the node parameter or, pinned, by
// where it runs.
func (r *Runner) upgrades(b jenkins.Build, t upgrade.Target) bool {
	if b.Params[r.cfg.VersionParam] != t.Version {
		return false
	}
	if r.cfg.URLParam != "" && b.Params[r.cfg.URLParam] != t.URL {
		return false
	}
	if r.cfg.NodeParam != "" {
		return b.Params[r.cfg.NodeParam] == t.Node
	}
	return b.BuiltOn == t.Node
}
