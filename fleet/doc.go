// Package fleet is the CI fleet as gordon sees it: the agents registered in
// Consul, each a node with a name, metadata (kernel, distribution, storage
// driver, docker version...) and service tags.
//
// A Selector picks nodes by that metadata. Users write selectors in
// commands ("kernel=4.*", "distro!=debian", "tag=gpu", or a bare node name
// or node-name glob), the commands package parses them into this type, the
// alert router matches with it, and the Consul adapter receives it turned
// into a filter expression, GlobRegexp providing the anchored regular
// expression for Consul's "matches" operator.
//
// Maintenance is known from two sources: Consul's maintenance mode, which
// each node's own agent holds and which ConsulAgents turns on and off at
// the URL an AgentURL template gives, and gordon's own MaintRecord of who
// asked and why, kept in the store by a MaintBook. An Inventory given the
// records (WithMaint) shows both, so that a node whose agent gordon could
// not reach still counts as in maintenance.
//
// Inventory views over the fleet and the rolling upgrade planner and
// executor belong here as well.
package fleet
