// Command gordon is a chatops bot for a CI fleet: it runs on IRC, on a
// terminal, or only checks its configuration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "none"
)

const usage = `usage: gordon <command> [flags]

commands:
  run -config FILE           run gordon
  console -config FILE       talk to gordon on this terminal, as the first maintainer
  check-config -config FILE  list every problem of a configuration file
  version                    print the version
`

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// realMain runs one subcommand and returns the exit code: 0 on success and
// on a clean stop by signal, 1 on failure, 2 on bad usage.
func realMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	name, rest := args[0], args[1:]
	var err error
	switch name {
	case "run":
		err = withConfig(name, rest, stderr, func(path string) error { return runBot(ctx, path, stderr) })
	case "console":
		err = withConfig(name, rest, stderr, func(path string) error {
			return runConsole(ctx, path, stdin, stdout, stderr)
		})
	case "check-config":
		err = withConfig(name, rest, stderr, func(path string) error { return checkConfig(path, stdout) })
	case "version":
		fmt.Fprintf(stdout, "gordon %s (%s)\n", version, commit)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "gordon: unknown command %q\n%s", name, usage)
		return 2
	}
	return exitCode(err, stderr)
}

// errUsage marks bad flags; the flag package has already said why.
var errUsage = errors.New("usage")

func withConfig(name string, args []string, stderr io.Writer, run func(path string) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "gordon.toml", "configuration file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gordon %s: unexpected argument %q\n", name, fs.Arg(0))
		return errUsage
	}
	return run(*path)
}

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "gordon: %v\n", err)
		return 1
	}
}

// checkConfig prints the warnings and every problem of the file at path.
func checkConfig(path string, stdout io.Writer) error {
	_, warnings, err := loadConfig(path)
	for _, w := range warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	if err != nil {
		return fmt.Errorf("%s:\n%w", path, err)
	}
	fmt.Fprintf(stdout, "%s: ok\n", path)
	return nil
}
