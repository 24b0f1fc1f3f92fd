// Command github-sim serves a stand-in for GitHub's REST API for gordon's
// demo: one repository with a release, a release candidate newer than
// it, and a master branch, so that "upgrade rc" and "upgrade master"
// have something to work out. It is not GitHub; it answers the calls
// gordon makes, with GitHub's field names and headers.
//
//	github-sim -addr 127.0.0.1:18081 -repo docker/docker -release v18.09.2 -rc v19.03.0-rc3
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

	"github.com/gordonbot/gordon/integrations/github/githubtest"
)

// Log keys.
const (
	keyAddr    = "addr"
	keyRepo    = "repo"
	keyRelease = "release"
	keyRC      = "rc"
	keyHead    = "head"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "github-sim:", err)
		os.Exit(1)
	}
}

// options are the command line flags.
type options struct {
	addr, repo, tokenFile string
	release, rc, branch   string
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("github-sim", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:18081", "address to listen on")
	fs.StringVar(&o.repo, "repo", "docker/docker", "the repository, owner/name")
	fs.StringVar(&o.tokenFile, "token-file", "", "file holding the API token (default: $GITHUB_TOKEN)")
	fs.StringVar(&o.release, "release", "v18.09.2", "tag of the newest release")
	fs.StringVar(&o.rc, "rc", "v19.03.0-rc3", "tag of the release candidate, newer than the release")
	fs.StringVar(&o.branch, "branch", "master", "the branch whose head is the master build")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if _, _, ok := strings.Cut(o.repo, "/"); !ok {
		return o, fmt.Errorf("-repo %q is not owner/name", o.repo)
	}
	return o, nil
}

// token reads the API token from the file, or from GITHUB_TOKEN.
func (o options) token() (string, error) {
	if o.tokenFile == "" {
		if t := os.Getenv("GITHUB_TOKEN"); t != "" {
			return t, nil
		}
		return "", errors.New("give -token-file or set GITHUB_TOKEN")
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

	api, head := demo(o, token, time.Now())
	slog.Info("github simulator listening", keyAddr, o.addr, keyRepo, o.repo, keyRelease, o.release,
		keyRC, o.rc, keyHead, head)
	return serve(o.addr, api)
}

// demo returns the stand-in holding the repository: the release ten days
// old, the candidate two, the branch's head committed an hour ago. It
// returns the head's SHA too.
func demo(o options, token string, now time.Time) (*githubtest.Server, string) {
	api := githubtest.New(githubtest.Config{Token: token})
	api.AddRepo(o.repo)
	const day = 24 * time.Hour
	api.AddRelease(o.repo, githubtest.Release{Tag: o.release, Published: now.Add(-10 * day)})
	api.AddRelease(o.repo, githubtest.Release{Tag: o.rc, Prerelease: true, Published: now.Add(-2 * day)})

	// A head of its own each start, as if master had moved on meanwhile.
	sha := make([]byte, 20)
	rand.Read(sha)
	head := hex.EncodeToString(sha)
	api.SetBranch(o.repo, githubtest.Branch{Name: o.branch, SHA: head, Message: "Merge pull request #4711",
		Committed: now.Add(-time.Hour).Truncate(time.Second)})
	return api, head
}

// serve runs the stand-in until SIGINT or SIGTERM.
func serve(addr string, h http.Handler) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}

	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
