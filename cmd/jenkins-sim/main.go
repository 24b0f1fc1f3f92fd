// Command jenkins-sim serves a Jenkins simulator for gordon's demo: the
// jobs docker-pr, docker-pr-experimental, docker-master and upgrade-node,
// and one agent for each node named with -nodes. It is not Jenkins and
// builds nothing; builds end on their own after a while.
//
//	jenkins-sim -addr 127.0.0.1:8080 -user gordon -token-file token -nodes dm-1,dm-2
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gordonbot/gordon/integrations/jenkins/jenkinstest"
)

// Log keys.
const (
	keyAddr  = "addr"
	keyNodes = "nodes"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "jenkins-sim:", err)
		os.Exit(1)
	}
}

// options are the command line flags.
type options struct {
	addr, user, tokenFile, nodes string
	quiet                        time.Duration
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("jenkins-sim", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.user, "user", "gordon", "user that requests must authenticate as")
	fs.StringVar(&o.tokenFile, "token-file", "", "file holding the API token (default: $JENKINS_TOKEN)")
	fs.StringVar(&o.nodes, "nodes", "dm-1,dm-2,dm-3", "comma-separated agent names")
	fs.DurationVar(&o.quiet, "quiet-period", 5*time.Second, "how long a queued build waits before it starts")
	return o, fs.Parse(args)
}

// token reads the API token from the file, or from JENKINS_TOKEN.
func (o options) token() (string, error) {
	if o.tokenFile == "" {
		if t := os.Getenv("JENKINS_TOKEN"); t != "" {
			return t, nil
		}
		return "", errors.New("give -token-file or set JENKINS_TOKEN")
	}

	data, err := os.ReadFile(o.tokenFile)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(data)), nil
}

func run(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	token, err := o.token()
	if err != nil {
		return err
	}

	var nodes []string
	for _, n := range strings.Split(o.nodes, ",") {
		if n = strings.TrimSpace(n); n != "" {
			nodes = append(nodes, n)
		}
	}
	sim := jenkinstest.Demo(jenkinstest.Config{User: o.user, Token: token, QuietPeriod: o.quiet}, nodes)
	return serve(o.addr, sim, nodes)
}

// serve runs the simulator until SIGINT or SIGTERM.
func serve(addr string, h http.Handler, nodes []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	slog.Info("jenkins simulator listening", keyAddr, addr, keyNodes, nodes)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}

	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
