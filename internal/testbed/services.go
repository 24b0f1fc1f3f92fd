package testbed

import (
	"crypto/rand"
	"os"
	"strings"
	"testing"
	"time"
)

const (
	// inspircdName and inspircdSID name the test InspIRCd on the network.
	inspircdName = "irc.test"
	inspircdSID  = "0GB"

	// servicesName and servicesSID name Atheme on the network. The names of
	// NickServ and SaslServ end in servicesName.
	servicesName = "services.test"
	servicesSID  = "0SV"

	// linkTimeout bounds the wait for Atheme to link to InspIRCd, after the
	// first start and after each restart. Atheme retries the link every
	// second.
	linkTimeout = 20 * time.Second

	// linkPoll is how often InspIRCd's log is read while waiting for the
	// link.
	linkPoll = 20 * time.Millisecond

	// linkedLine is what InspIRCd logs once services have sent their whole
	// state, NickServ and SaslServ included; from then on SASL and NickServ
	// answer.
	linkedLine = "Received end of netburst from " + servicesName
)

// servicesLink is the server link between a test InspIRCd and Atheme. Both
// configs are rendered from it.
type servicesLink struct {
	// IRCd is InspIRCd's server name, which Atheme's uplink block names.
	IRCd string

	// Services and SID are Atheme's server name and server id.
	Services string
	SID      string

	// Port is InspIRCd's servers port on 127.0.0.1.
	Port int

	// ToServices is the password InspIRCd sends and Atheme expects;
	// ToIRCd is the one Atheme sends and InspIRCd expects. They are random
	// so that an Atheme can only ever link to its own test's InspIRCd.
	ToServices string
	ToIRCd     string
}

// newServicesLink picks a free servers port and new link passwords.
func newServicesLink(t testing.TB) *servicesLink {
	t.Helper()

	return &servicesLink{
		IRCd:       inspircdName,
		Services:   servicesName,
		SID:        servicesSID,
		Port:       FreePort(t),
		ToServices: rand.Text(),
		ToIRCd:     rand.Text(),
	}
}

// startServices starts Atheme for the InspIRCd s, whose log is at log, and
// waits until it has linked. It makes s wait for the link again after each
// restart.
func startServices(t testing.TB, s *IRCServer, link *servicesLink, log string) {
	t.Helper()

	a := startAtheme(t, link)
	w := &linkWatch{log: log, atheme: a}

	w.wait(t)
	s.ready = w.wait
}

// linkWatch follows InspIRCd's log for services linking.
type linkWatch struct {
	log    string  // InspIRCd's log, kept across restarts
	atheme *atheme // the services that link
	links  int     // links seen in the log so far
}

// wait waits until InspIRCd logs one more completed link from services
// than before. It fails the test after linkTimeout, or at once when Atheme
// exits.
func (w *linkWatch) wait(t testing.TB) {
	t.Helper()

	deadline := time.NewTimer(linkTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(linkPoll)
	defer tick.Stop()

	for {
		if n := w.count(); n > w.links {
			w.links = n
			return
		}

		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("waiting for %s to link: not in InspIRCd's log after %s", servicesName, linkTimeout)
		case <-w.atheme.proc.exited:
			t.Fatalf("waiting for %s to link: atheme exited: %v", servicesName, w.atheme.proc.exitError())
		}
	}
}

// count returns how many completed links from services InspIRCd's log
// shows; a log not written yet shows none. InspIRCd writes server names in
// bold, which count removes first.
func (w *linkWatch) count() int {
	data, err := os.ReadFile(w.log)
	if err != nil {
		return 0
	}

	text := strings.ReplaceAll(string(data), "\x02", "")
	return strings.Count(text, linkedLine)
}
