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
//
// The log is flushed at every line, so that a test can watch it and a
// failed test shows all of it. With services, InspIRCd also loads what SASL
// and account tracking need and accepts Atheme's link on a servers port;
// the server's fixed id keeps clear of the one Atheme uses. The link block
// needs a port although InspIRCd never dials services: without one it is
// ignored and every link attempt refused. The sasl capability is offered
// only while the server named by the sasl target is linked.
var inspircdConfig = template.Must(template.New("inspircd.conf").Parse(`<config format="xml">
<path configdir="{{.Dir}}" datadir="{{.Dir}}" logdir="{{.Dir}}">
<pid file="{{.Dir}}/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT -MODULE" level="default" target="{{.Log}}" flush="1">

<server name="{{.Name}}" id="{{.SID}}" description="gordon test bed" network="gordontest">
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
{{- with .Link}}

<module name="spanningtree">
<module name="services_account">
<module name="cap">
<module name="ircv3">
<module name="ircv3_accounttag">
<module name="sasl">

<bind address="127.0.0.1" port="{{.Port}}" type="servers">
<link name="{{.Services}}"
      ipaddr="127.0.0.1"
      port="{{.Port}}"
      allowmask="127.0.0.1/32"
      sendpass="{{.ToServices}}"
      recvpass="{{.ToIRCd}}">
<uline server="{{.Services}}" silent="yes">
<sasl target="{{.Services}}">
{{- end}}
`))

// InspircdOptions configures StartInspircd.
type InspircdOptions struct {
	// Password, when not empty, is the password every client must send
	// with PASS to be let in by the connect class.
	Password string

	// Services links Debian's Atheme to the server as services.test, with
	// NickServ and SaslServ: clients can register accounts, log in with
	// SASL PLAIN or NickServ IDENTIFY, and the server offers sasl,
	// account-tag, account-notify and extended-join.
	Services bool
}

// inspircdParams fills inspircdConfig.
type inspircdParams struct {
	InspircdOptions
	Name string
	SID  string
	Dir  string
	Log  string
	Port int
	Link *servicesLink // nil without services
}

// StartInspircd starts Debian's InspIRCd on a free 127.0.0.1 port and
// returns once it accepts connections. The server is stopped when the test
// ends. Each client's registration takes about a second.
//
// With opts.Services, StartInspircd also starts Atheme and returns once
// services have linked, and so does Restart; Atheme is stopped first when
// the test ends.
func StartInspircd(t testing.TB, opts InspircdOptions) *IRCServer {
	t.Helper()

	bin := requireBinary(t, "inspircd", "inspircd")
	if strings.ContainsAny(opts.Password, "\"&<>\r\n") {
		t.Fatalf("inspircd password %q: use one without quotes, markup or line breaks", opts.Password)
	}

	s := newIRCServer(t, "inspircd")
	log := filepath.Join(s.Dir, "inspircd.log")
	s.logs = append(s.logs, log)
	params := inspircdParams{
		InspircdOptions: opts,
		Name:            inspircdName,
		SID:             inspircdSID,
		Dir:             s.Dir,
		Log:             log,
		Port:            s.port,
	}
	if opts.Services {
		params.Link = newServicesLink(t)
	}
	conf := s.writeConfig(t, inspircdConfig, params)

	s.argv = inspircdCommand(bin, conf)
	s.run(t)

	if params.Link != nil {
		startServices(t, s, params.Link, log)
	}
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
