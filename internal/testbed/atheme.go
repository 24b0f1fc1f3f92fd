package testbed

import (
	"os"
	"path/filepath"
	"testing"
	"text/template"
)

// athemeConfig is the config of test services: NickServ with REGISTER,
// IDENTIFY and LOGOUT, and SaslServ with PLAIN, linked to InspIRCd with the
// inspircd protocol module.
//
// Accounts are usable at once (auth = none: no email confirmation, and no
// mta, so no mail is ever sent). The limits that would trip a test are
// lifted: flood_msgs = 0 turns off the flood check on messages to services,
// maxusers = 0 the limit of accounts per email address, and leaving out
// ratelimit_uses the limit on REGISTER. maxlogins lets many clients log in
// to one account. recontime = 1 makes Atheme relink a second after
// InspIRCd restarts. The log levels leave out debug and rawdata, which
// would log passwords, and which would also make services warn every user
// that they run in debug mode. crypto/posix stores passwords hashed, as on
// a real network.
var athemeConfig = template.Must(template.New("atheme.conf").Parse(`
loadmodule "modules/protocol/inspircd";
loadmodule "modules/backend/opensex";
loadmodule "modules/crypto/posix";

loadmodule "modules/nickserv/main";
loadmodule "modules/nickserv/help";
loadmodule "modules/nickserv/register";
loadmodule "modules/nickserv/identify";
loadmodule "modules/nickserv/logout";

loadmodule "modules/saslserv/main";
loadmodule "modules/saslserv/plain";

serverinfo {
	name = "{{.Services}}";
	desc = "gordon test bed services";
	numeric = "{{.SID}}";
	recontime = 1;
	netname = "gordontest";
	hidehostsuffix = "users.test";
	adminname = "gordon test bed";
	adminemail = "gordon@irc.test";
	registeremail = "noreply@irc.test";
	loglevel = { error; info; admin; network; register; commands; };
	maxlogins = 100;
	maxusers = 0;
	mdlimit = 30;
	emaillimit = 10;
	emailtime = 300;
	auth = none;
	casemapping = rfc1459;
};

uplink "{{.IRCd}}" {
	host = "127.0.0.1";
	port = {{.Port}};
	send_password = "{{.ToIRCd}}";
	receive_password = "{{.ToServices}}";
};

nickserv {
	nick = "NickServ";
	user = "NickServ";
	host = "{{.Services}}";
	real = "Nickname Services";
	maxnicks = 5;
};

saslserv {
	nick = "SaslServ";
	user = "SaslServ";
	host = "{{.Services}}";
	real = "SASL Authentication Agent";
};

general {
	flood_msgs = 0;
	flood_time = 10;
	commit_interval = 5;
	language = "en";
};
`))

// atheme is a running Atheme, owned by one test.
type atheme struct {
	dir  string   // its config, database, output and log
	proc *process // the foreground atheme-services
}

// startAtheme starts Debian's Atheme in the foreground, linking to
// InspIRCd over link. It is stopped when the test ends, before any server
// started earlier in the test, and shows its log if the test failed.
func startAtheme(t testing.TB, link *servicesLink) *atheme {
	t.Helper()

	bin := requireBinary(t, "atheme-services", "atheme-services")
	dir := athemeDir(t)
	conf := writeTemplate(t, dir, athemeConfig, link)

	p, err := startProcess(dir, athemeCommand(t, bin, dir, conf))
	if err != nil {
		t.Fatalf("starting atheme: %v", err)
	}

	a := &atheme{dir: dir, proc: p}
	t.Cleanup(func() { a.showLog(t) })
	t.Cleanup(p.stop)
	return a
}

// athemeDir creates a directory that Atheme can write, removed when the
// test ends. Run as root, Atheme runs as nobody, who cannot enter the
// root-owned 0700 directories of t.TempDir.
func athemeDir(t testing.TB) string {
	t.Helper()

	dir, err := os.MkdirTemp("", "gordon-atheme-")
	if err != nil {
		t.Fatalf("creating atheme's directory: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })

	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatalf("opening atheme's directory to nobody: %v", err)
	}
	return dir
}

// athemeCommand returns the command line that runs Atheme in the
// foreground with everything in dir. Atheme refuses to run as root, so as
// root it goes through setpriv to become nobody; setpriv also keeps the
// signal that kills Atheme with the test binary, which the kernel drops
// when a process changes its user.
func athemeCommand(t testing.TB, bin, dir, conf string) []string {
	t.Helper()

	argv := []string{
		bin, "-n",
		"-c", conf,
		"-D", dir,
		"-l", filepath.Join(dir, "atheme.log"),
		"-p", filepath.Join(dir, "atheme.pid"),
	}
	if os.Geteuid() != 0 {
		return argv
	}

	setpriv := requireBinary(t, "setpriv", "util-linux")
	return append([]string{
		setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--pdeathsig=KILL",
	}, argv...)
}

// showLog shows the end of Atheme's output when the test failed. In the
// foreground Atheme writes to its output what it writes to its log, and
// errors from before the log is open besides.
func (a *atheme) showLog(t testing.TB) {
	if !t.Failed() {
		return
	}

	t.Logf("atheme %s:\n%s", outputFile, readTail(filepath.Join(a.dir, outputFile), maxShown))
}
