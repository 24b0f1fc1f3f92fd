// Package store keeps gordon's durable state behind a small interface.
//
// Whatever gordon must not lose in a crash or restart (build follow-ups,
// silences, maintenance records, upgrade plans and their progress, webhook
// delivery IDs) is written here before gordon says it has it.
//
// The default backend is Bolt, an embedded bbolt file that one gordon
// process holds open at a time. A Consul KV backend for several replicas
// comes later, so the Store interface holds only what both can do: keyed
// byte values, prefix listing, compare-and-swap and small atomic batches.
// Memory is an in-memory Store with the same semantics for tests of other
// packages, and the storetest package checks any Store against them.
package store
