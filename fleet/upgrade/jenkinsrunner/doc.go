// Package jenkinsrunner is the upgrade runner that has Jenkins upgrade
// each node: it queues the configured job with the version (and, for a
// master build, its URL) as parameters, follows the queue item to its
// build and the build to its result, as gordon follows a rebuild, and
// fails unless the result is SUCCESS.
//
// The job learns which node to upgrade in one of two ways. Pinned
// (pin = true), the build runs on the node's own Jenkins agent through
// the node parameter of the [jenkins] section; Jenkins can start it only
// while that agent is online. Otherwise the node's name goes in the
// job's own node_param, and the job runs wherever its label says (a
// deploy agent) and reaches the node itself.
//
// Run is safe to repeat after a restart of gordon: a build of the job for
// the same node and version that is still running is followed rather
// than queued again, and Jenkins folds an identical queued request into
// the waiting item.
//
// Jenkins cannot ask a node which version it runs, so Probe always
// fails: the upgrade reads versions from the nodes' Consul metadata.
package jenkinsrunner
