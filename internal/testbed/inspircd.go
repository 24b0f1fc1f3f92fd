package testbed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
)

// inspircdConfig is the config of a test InspIRCd: one client port on
// loopback, one connect class for 127.0.0.1, no TLS and no DNS lookups.
//
// The connect class keeps InspIRCd's default flood limits (threshold 10,
// commandrate 1000, meaning one line a second), written out so that a
// package upgrade cannot move them, and turns fakelag off: a client that
// sends more than about eight lines at once is disconnected with
// "Excess Flood" instead of being slowed down. That is the strict case gordon
// must survive. localmax and globalmax are lifted because every test client
// comes from 127.0.0.1.
var inspircdConfig = template.Must(template.New("inspircd.conf").Parse(`<config format="xml">
<path configdir="{{.Dir}}" datadir="{{.Dir}}" logdir="{{.Dir}}">
<pid file="{{.Dir}}/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT -MODULE" level="default" target="{{.Log}}">

<server name="irc.test" description="gordon test bed" network="gordontest">
<admin name="gordon test bed" nick="gordon" email="gordon@irc.test">

<bind address="127.0.0.1" port="{{.Port}}" type="clients">

<connect name="loopback"
         allow="127.0.0.1"
{{- if .Password}}
         password="{{.Password}}"
{{- end}}
         threshold="10"
         commandrate="1000"
         fakelag="no"
         localmax="1000"
         globalmax="1000"
         maxchans="100"
         resolvehostnames="no"
         useident="no"
         timeout="20"
         pingfreq="120">
`))

// InspircdOptions configures StartInspircd.
//
// TODO: add a services link (Atheme over spanningtree, with SASL and
// account tags) so tests can identify people by account, as gordon does.
type InspircdOptions struct {
	// Password, when not empty, is the password every client must send
	// with PASS to be let in by the connect class.
	Password string
}

// inspircdParams fills inspircdConfig.
type inspircdParams struct {
	InspircdOptions
	Dir  string
	Log  string
	Port int
}

// StartInspircd starts Debian's InspIRCd on a free 127.0.0.1 port and
// returns once it accepts connections. The server is stopped when the test
// ends. Each client's registration takes about a second.
func StartInspircd(t testing.TB, opts InspircdOptions) *IRCServer {
	t.Helper()

	bin := requireBinary(t, "inspircd", "inspircd")
	if strings.ContainsAny(opts.Password, "\"&<>\r\n") {
		t.Fatalf("inspircd password %q: use one without quotes, markup or line breaks", opts.Password)
	}

	s := newIRCServer(t, "inspircd")
	log := filepath.Join(s.Dir, "inspircd.log")
	s.logs = append(s.logs, log)
	conf := s.writeConfig(t, inspircdConfig, inspircdParams{
		InspircdOptions: opts,
		Dir:             s.Dir,
		Log:             log,
		Port:            s.port,
	})

	s.argv = inspircdCommand(bin, conf)
	s.run(t)
	return s
}

// inspircdCommand returns the command line that runs InspIRCd in the
// foreground. It goes through sh to set the core size limit to zero, since
// InspIRCd can dump core when it is terminated and Go cannot set a limit
// for a child alone. InspIRCd refuses to run as root without --runasroot.
func inspircdCommand(bin, conf string) []string {
	argv := []string{
		"/bin/sh", "-c", `ulimit -c 0 && exec "$0" "$@"`,
		bin, "--nofork", "--config", conf,
	}
	if os.Geteuid() == 0 {
		argv = append(argv, "--runasroot")
	}
	return argv
}
