// Command demo-fleet registers a made-up CI fleet of 24 nodes in a running
// Consul, for gordon's demo: nodes dm-1 to dm-24 with varied kernels,
// distributions, storage drivers and Docker versions as node metadata, a
// jenkins service on each, and a few failing checks and a node in
// maintenance, so that `nodes`, `nodes unhealthy by kernel` and `node`
// have something to show. The nodes are catalog entries only; no agent
// runs on them. Running it again puts the same fleet back.
//
//	demo-fleet -consul 127.0.0.1:8500 [-token-file FILE]
//	demo-fleet -list    # print the node names, comma-separated, and exit
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
)

// fleetSize is how many nodes the demo fleet has.
const fleetSize = 24

// A platform is one kind of machine in the fleet.
type platform struct {
	distro, kernel, storage string
}

// platforms are the kinds of machine, one node in turn on each.
var platforms = []platform{
	{"debian-8", "3.16.0-4-amd64", "aufs"},
	{"debian-9", "4.9.0-8-amd64", "overlay2"},
	{"ubuntu-16.04", "4.4.0-142-generic", "aufs"},
	{"ubuntu-18.04", "4.15.0-45-generic", "overlay2"},
	{"centos-7", "3.10.0-957.el7.x86_64", "devmapper"},
	{"fedora-29", "4.19.15-300.fc29.x86_64", "devmapper"},
	{"debian-10", "4.19.0-17-amd64", "devmapper"},
	{"ubuntu-18.04", "4.18.0-15-generic", "btrfs"},
}

// dockerVersions are what `docker version` reported, in turn.
var dockerVersions = []string{
	"Docker version 18.09.2, build 6247962",
	"Docker version 18.09.1, build 4c52b90",
	"Docker version 19.03.0-rc2, build f97efcc",
}

// trouble is what is wrong with some nodes, by node number.
var trouble = map[int]api.HealthChecks{
	6: {critical("docker", "Error response from daemon: devmapper: Thin Pool has 0 free data blocks")},
	7: {critical("docker", "Error response from daemon: devmapper: Thin Pool has 0 free data blocks")},
	15: {critical("docker", "devmapper: Unknown device 3f4c2a: device or resource busy"),
		warning("disk", "/var/lib/docker 91% used")},
	14: {critical("registry", "pull failed: Get https://ci:hunter2@registry.demo:5000/v2/: "+
		"dial tcp 10.0.0.9:5000: i/o timeout\nretrying with token=abc123")},
	20: {warning("load", "load average: 14.02, 12.80, 9.11")},
	11: {{CheckID: "_node_maintenance", Name: "Node Maintenance Mode", Status: api.HealthCritical,
		Notes: "kernel upgrade to 4.19 (alice)"}},
}

func critical(name, output string) *api.HealthCheck {
	return &api.HealthCheck{CheckID: name, Name: name, Status: api.HealthCritical, Output: output}
}

func warning(name, output string) *api.HealthCheck {
	return &api.HealthCheck{CheckID: name, Name: name, Status: api.HealthWarning, Output: output}
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo-fleet:", err)
		os.Exit(1)
	}
}

// options are the command line flags.
type options struct {
	consul, tokenFile string
	list              bool

	// fail and pass are nodes whose ssh check to turn critical or
	// passing, instead of registering the fleet.
	fail, pass string
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("demo-fleet", flag.ContinueOnError)
	fs.StringVar(&o.consul, "consul", "127.0.0.1:8500", "Consul HTTP address, host:port")
	fs.StringVar(&o.tokenFile, "token-file", "", "file holding an ACL token that may write the catalog")
	fs.BoolVar(&o.list, "list", false, "print the node names, comma-separated, and exit")
	fs.StringVar(&o.fail, "fail", "", "nodes, comma-separated, whose ssh check turns critical (for alerts)")
	fs.StringVar(&o.pass, "pass", "", "nodes, comma-separated, whose ssh check passes again")
	return o, fs.Parse(args)
}

// run registers the fleet, or lists its names with -list.
func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	if o.list {
		_, err := fmt.Fprintln(stdout, strings.Join(nodeNames(), ","))
		return err
	}

	catalog, err := newCatalog(o)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if o.fail != "" || o.pass != "" {
		if err := flip(ctx, catalog, o.fail, api.HealthCritical, "Connection refused"); err != nil {
			return err
		}
		return flip(ctx, catalog, o.pass, api.HealthPassing, "SSH-2.0-OpenSSH")
	}
	for i := 1; i <= fleetSize; i++ {
		if _, err := catalog.Register(registration(i), (&api.WriteOptions{}).WithContext(ctx)); err != nil {
			return fmt.Errorf("register dm-%d in consul at %s: %w", i, o.consul, err)
		}
	}

	_, err = fmt.Fprintf(stdout, "registered %d demo nodes in consul at %s\n", fleetSize, o.consul)
	return err
}

// newCatalog returns the catalog of the Consul at o.consul.
func newCatalog(o options) (*api.Catalog, error) {
	if o.consul == "" {
		return nil, errors.New("-consul is empty")
	}

	cfg := api.DefaultConfig()
	cfg.Address = o.consul
	cfg.TokenFile = o.tokenFile
	client, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("consul client: %w", err)
	}
	return client.Catalog(), nil
}

// nodeNames returns dm-1 to dm-24.
func nodeNames() []string {
	names := make([]string, fleetSize)
	for i := range names {
		names[i] = fmt.Sprintf("dm-%d", i+1)
	}
	return names
}

// registration describes node number i (from 1): its platform, a Docker
// version, a jenkins service (with a gpu tag on every fifth node), a
// passing check, and its trouble if it has any.
func registration(i int) *api.CatalogRegistration {
	name := fmt.Sprintf("dm-%d", i)
	p := platforms[(i-1)%len(platforms)]

	tags := []string{"linux", "amd64"}
	if i%5 == 0 {
		tags = append(tags, "gpu")
	}

	checks := api.HealthChecks{{CheckID: "ssh", Name: "ssh", Status: api.HealthPassing, Output: "SSH-2.0-OpenSSH"}}
	checks = append(checks, trouble[i]...)
	for _, c := range checks {
		c.Node = name
	}

	return &api.CatalogRegistration{
		Node:    name,
		Address: fmt.Sprintf("10.0.0.%d", i),
		NodeMeta: map[string]string{
			"kernel":         p.kernel,
			"distro":         p.distro,
			"storage":        p.storage,
			"docker_version": dockerVersions[i%len(dockerVersions)],
		},
		Service: &api.AgentService{ID: "jenkins", Service: "jenkins", Tags: tags, Port: 22},
		Checks:  checks,
	}
}
