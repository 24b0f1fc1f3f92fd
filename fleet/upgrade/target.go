package upgrade

import (
	"context"
	"fmt"
	"strings"
)

// Named targets: what a person says instead of a version, worked out by
// a VersionSource when the plan is made.
const (
	// TargetRC is the newest release candidate of the project.
	TargetRC = "rc"

	// TargetMaster is the newest build of the project's main branch.
	TargetMaster = "master"
)

// IsNamed reports whether s names a target rather than a version.
func IsNamed(s string) bool {
	s = strings.ToLower(s)
	return s == TargetRC || s == TargetMaster
}

// Resolved is what a named target stands for at the moment it is asked.
type Resolved struct {
	// Version is the version the nodes report once upgraded, as
	// ParseVersion returns it.
	Version string

	// URL is where the build is, for a runner that downloads it; empty
	// when the runner installs the version by its number.
	URL string

	// From says where the version came from, for the plan: "newest
	// pre-release v24.0.0-rc.2 of docker/docker, published 2026-11-30".
	From string
}

// VersionSource works out what a named target stands for now.
type VersionSource interface {
	// Resolve returns what name (TargetRC or TargetMaster) stands for.
	// Its errors are a *RequestError when the answer is that there is
	// nothing to upgrade to (no pre-release newer than the newest
	// release, a target that is not configured), and a *SourceError
	// when the source could not be asked.
	Resolve(ctx context.Context, name string) (Resolved, error)
}

// SourceError is a VersionSource that could not be asked: GitHub down,
// refusing, or over its rate limit.
type SourceError struct {
	// Name is the target being worked out, "rc".
	Name string

	// Brief says why, in a few words for a person: "GitHub answered
	// 503 Service Unavailable".
	Brief string

	Err error
}

// Error names the target and the cause.
func (e *SourceError) Error() string {
	return fmt.Sprintf("resolve %s: %v", e.Name, e.Err)
}

// Unwrap returns the cause.
func (e *SourceError) Unwrap() error { return e.Err }

// resolve returns the target of a request: a named one from the
// VersionSource, or the version as it was written.
func (u *Upgrader) resolve(ctx context.Context, target string) (string, Resolved, error) {
	if !IsNamed(target) {
		v, err := ParseVersion(target)
		return "", Resolved{Version: v}, err
	}

	name := strings.ToLower(target)
	if u.versions == nil {
		return "", Resolved{}, &RequestError{Reason: fmt.Sprintf(
			"upgrade %s is not set up here; name the version, as in upgrade 24.0.1-rc1", name)}
	}
	r, err := u.versions.Resolve(ctx, name)
	if err != nil {
		return "", Resolved{}, err
	}

	// What a source hands over is checked as a person's version would
	// be: a template or a tag that makes no version must not reach the
	// planner. It is no *RequestError, since the person cannot fix it.
	v, err := ParseVersion(r.Version)
	if err != nil {
		return "", Resolved{}, fmt.Errorf("%s resolved to %q, which is not a version", name, r.Version)
	}
	r.Version = v
	return name, r, nil
}
