// Package consul is gordon's adapter to Consul's HTTP API, built on
// github.com/hashicorp/consul/api.
//
// It reads the fleet: the catalog's nodes with their metadata, the checks
// that are not passing, one node in full, and which nodes run a service
// with a given tag. Every list takes a Consul filter expression, so that
// Consul, not gordon, sifts through thousands of nodes; this package only
// passes the expression on and knows nothing of how users select nodes.
//
// Every request is bounded by the configured timeout and is never
// retried: a failure comes back at once as an error that says what went
// wrong in a few words (unreachable, no answer in time, token refused, or
// the status Consul answered with), for the person who asked.
//
// Like every package under integrations, it imports no other package of
// gordon; its Config validates itself and names its keys.
package consul
