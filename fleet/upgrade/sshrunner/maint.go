package sshrunner

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/gordonbot/gordon/fleet/upgrade"
)

// maxMaintReason bounds the reason sent to the node, in bytes.
const maxMaintReason = 200

// Maint runs "consul maint -enable -reason REASON" or "consul maint
// -disable" on t, within the probe time limit. The consul program there
// talks to the node's own agent, which is the point: gordon uses it when
// it cannot reach that agent over HTTP, as agents often listen on the
// node's loopback only. Turning maintenance on again only updates the
// reason; turning it off when it is off is no error. Its errors are those
// of Run.
func (r *Runner) Maint(ctx context.Context, t upgrade.Target, on bool, reason string) error {
	if err := checkTarget(t); err != nil {
		return err
	}

	argv := []string{r.consul, "maint", "-disable"}
	if on {
		argv = []string{r.consul, "maint", "-enable", "-reason", maintReason(reason)}
	}
	program := path.Base(r.consul) + " maint"
	j := job{t: t, program: program, cmd: quoteAll(argv), limit: r.probeTimeout}
	if _, err := r.remote(ctx, j); err != nil {
		return fmt.Errorf("consul maintenance %s on %s: %w", onOff(on), t.Node, err)
	}
	return nil
}

// maintReason makes reason fit to pass: one line, not too long, and not
// read as an option by consul's flag parser.
func maintReason(reason string) string {
	reason = strings.Join(strings.FieldsFunc(reason, func(r rune) bool {
		return r < ' ' || r == 0x7f
	}), " ")
	if len(reason) > maxMaintReason {
		reason = strings.ToValidUTF8(reason[:maxMaintReason], "")
	}
	switch {
	case reason == "":
		return "gordon"
	case strings.HasPrefix(reason, "-"):
		return "gordon: " + reason
	}
	return reason
}

// onOff names the state asked for in errors.
func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
