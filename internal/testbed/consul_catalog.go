package testbed

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// ConsulNode is a synthetic node for the catalog: no agent runs on it, the
// test says what it is and how its checks stand.
type ConsulNode struct {
	Name    string
	Address string // 127.0.0.1 when empty
	Meta    map[string]string

	Checks   []ConsulCheck
	Services []ConsulService
}

// ConsulCheck is a check of a synthetic node. A check with a ServiceID
// belongs to that service, which must be among the node's Services.
type ConsulCheck struct {
	ID        string
	Name      string
	Status    string // passing, warning or critical
	Output    string
	Notes     string
	ServiceID string
}

// ConsulService is a service instance on a synthetic node.
type ConsulService struct {
	ID   string
	Name string
	Tags []string
}

// catalogRegistration is the body of /v1/catalog/register.
type catalogRegistration struct {
	Node     string
	Address  string
	NodeMeta map[string]string `json:",omitempty"`
	Service  *catalogService   `json:",omitempty"`
	Checks   []catalogCheck    `json:",omitempty"`

	// SkipNodeUpdate keeps the node as the first registration left it,
	// for the second and later services of a node.
	SkipNodeUpdate bool `json:",omitempty"`
}

type catalogService struct {
	ID      string
	Service string
	Tags    []string `json:",omitempty"`
}

type catalogCheck struct {
	Node      string
	CheckID   string
	Name      string
	Status    string
	Output    string `json:",omitempty"`
	Notes     string `json:",omitempty"`
	ServiceID string `json:",omitempty"`
}

// Register puts nodes in the catalog through /v1/catalog/register, several
// at a time, and returns when all are in; registering a node again
// replaces its metadata and updates its checks. It fails the test on the
// first error.
func (c *Consul) Register(t testing.TB, nodes ...ConsulNode) {
	t.Helper()

	jobs := make(chan catalogRegistration)
	errs := make(chan error, registerWorkers)
	var wg sync.WaitGroup
	for range registerWorkers {
		wg.Go(func() { errs <- c.registerAll(jobs) })
	}

	for _, n := range nodes {
		for _, reg := range registrations(n) {
			jobs <- reg
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)

	if err := errors.Join(collect(errs)...); err != nil {
		t.Fatalf("registering nodes in consul: %v", err)
	}
}

// registerAll sends each registration from jobs, and after a failure only
// drains jobs. It returns the first failure.
func (c *Consul) registerAll(jobs <-chan catalogRegistration) error {
	var first error
	for reg := range jobs {
		if first != nil {
			continue
		}
		if err := c.call(http.MethodPut, "/v1/catalog/register", reg, nil); err != nil {
			first = fmt.Errorf("node %s: %w", reg.Node, err)
		}
	}
	return first
}

// collect returns the errors sent on a closed channel, without the nils.
func collect(errs <-chan error) []error {
	var out []error
	for err := range errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// registrations turns a node into catalog registrations: one with the node,
// its metadata, its node checks and its first service; one more for each
// further service with that service's checks. Requests of one node may be
// sent in any order, so every one carries the node's address.
func registrations(n ConsulNode) []catalogRegistration {
	addr := n.Address
	if addr == "" {
		addr = "127.0.0.1"
	}

	first := catalogRegistration{Node: n.Name, Address: addr, NodeMeta: n.Meta}
	regs := []catalogRegistration{first}
	for i, s := range n.Services {
		if i > 0 {
			regs = append(regs, catalogRegistration{Node: n.Name, Address: addr, SkipNodeUpdate: true})
		}
		regs[i].Service = &catalogService{ID: s.ID, Service: s.Name, Tags: s.Tags}
	}

	for _, ch := range n.Checks {
		i := registrationOf(n.Services, ch.ServiceID)
		regs[i].Checks = append(regs[i].Checks, catalogCheck{
			Node: n.Name, CheckID: ch.ID, Name: ch.Name, Status: ch.Status,
			Output: ch.Output, Notes: ch.Notes, ServiceID: ch.ServiceID,
		})
	}
	return regs
}

// registrationOf returns the index of the registration that carries the
// service serviceID, 0 (the node's own) for a node check.
func registrationOf(services []ConsulService, serviceID string) int {
	for i, s := range services {
		if s.ID == serviceID {
			return i
		}
	}
	return 0
}

// requireConsul returns the consul binary's path, or fails the test
// saying how to build it.
func requireConsul(t testing.TB) string {
	t.Helper()

	path, err := consulPath()
	if err != nil {
		t.Fatalf("no consul binary: %v; run scripts/build-consul.sh (.ci/run does), "+
			"or set %s to a consul binary", err, ConsulEnv)
	}
	return path
}

// consulPath returns the path in ConsulEnv, or bin/consul under the module
// root, after checking that the file is there.
func consulPath() (string, error) {
	path := os.Getenv(ConsulEnv)
	if path == "" {
		root, err := moduleRoot()
		if err != nil {
			return "", err
		}
		path = filepath.Join(root, "bin", "consul")
	}

	if _, err := os.Stat(path); err != nil {
		return "", err
	}
	return path, nil
}

// moduleRoot walks up from the working directory, which is the package's
// directory under go test, to the first directory holding a go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}

	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("finding the module root: no go.mod above the working directory")
		}
		dir = parent
	}
}
