//go:build tools

// Package tools pins the Consul server that gordon's tests and demo run.
// It is a module of its own so that the server's many dependencies stay
// out of gordon's go.mod; scripts/build-consul.sh builds bin/consul from
// it. The blank import below is never compiled into gordon.
package tools

import _ "github.com/hashicorp/consul"
