package testbed

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"text/template"
)

// ngircdConfig is the config of a test ngircd. MaxConnectionsIP, MaxJoins
// and MaxNickLength are lifted because every test client comes from
// 127.0.0.1 and tests choose long, readable nicks.
var ngircdConfig = template.Must(template.New("ngircd.conf").Parse(`[Global]
	Name = irc.test
	Info = gordon test bed
	AdminInfo1 = gordon test bed
	AdminInfo2 = loopback
	AdminEMail = gordon@irc.test
	Listen = 127.0.0.1
	Ports = {{.Port}}
	MotdPhrase = "gordon test bed"
{{- if .Password}}
	Password = {{.Password}}
{{- end}}
{{- if .AsRoot}}
	ServerUID = nobody
	ServerGID = nogroup
{{- end}}

[Limits]
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 30
	PingTimeout = 120
	PongTimeout = 20
{{- if .NoPenalty}}
	MaxPenaltyTime = 0
{{- end}}

{{- if .TLS}}

[SSL]
	CertFile = {{.TLS.CertFile}}
	KeyFile = {{.TLS.KeyFile}}
	Ports = {{.TLSPort}}
{{- end}}

[Options]
	PAM = no
	Ident = no
	DNS = no
`))

// NgircdOptions configures StartNgircd.
type NgircdOptions struct {
	// NoPenalty turns off ngircd's flood control (MaxPenaltyTime = 0).
	// With it on, the default, a client's first 10 or so lines go through
	// at once and later ones at about 3 a second; no client is ever
	// disconnected for sending too fast.
	NoPenalty bool

	// Password, when not empty, is the server password every client must
	// send with PASS to register.
	Password string

	// TLS, when set, adds a TLS port with this certificate; the server's
	// TLSAddr is then where to dial it.
	TLS *Cert
}

// ngircdParams fills ngircdConfig.
type ngircdParams struct {
	NgircdOptions
	Port    int
	TLSPort int
	AsRoot  bool
}

// StartNgircd starts Debian's ngircd on a free 127.0.0.1 port and returns
// once it accepts connections. The server is stopped when the test ends.
// Its listen backlog is 10, so a test should not dial more than 10 clients
// at the same moment.
func StartNgircd(t testing.TB, opts NgircdOptions) *IRCServer {
	t.Helper()

	bin := requireBinary(t, "ngircd", "ngircd")
	if strings.ContainsAny(opts.Password, "\r\n") {
		t.Fatalf("ngircd password %q: a line break would end the config line", opts.Password)
	}

	s := newIRCServer(t, "ngircd")
	var tlsPort int
	if opts.TLS != nil {
		tlsPort = FreePort(t)
		s.TLSAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(tlsPort))
	}
	conf := s.writeConfig(t, ngircdConfig, ngircdParams{
		NgircdOptions: opts,
		Port:          s.port,
		TLSPort:       tlsPort,
		// ngircd refuses to run as root and would otherwise pick this user
		// itself, with a warning in its output.
		AsRoot: os.Geteuid() == 0,
	})

	s.argv = []string{bin, "--nodaemon", "--config", conf}
	s.run(t)
	return s
}
