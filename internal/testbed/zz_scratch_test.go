package testbed

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestScratchShow(t *testing.T) {
	for _, server := range servers {
		s := server.start(t, "sesame")
		conn, r := dialRaw(t, s.Addr)
		send(t, conn, "NICK outsider", "USER outsider 0 * :outsider")
		t.Logf("%s: %s", server.name, readUntil(t, conn, r, "ERROR "))
		start := time.Now()
		c := DialWithPassword(t, s.Addr, "insider", "sesame")
		t.Logf("%s: registered in %s", server.name, time.Since(start))
		start = time.Now()
		c.Join(t, "#t")
		t.Logf("%s: joined in %s", server.name, time.Since(start))
		start = time.Now()
		s.Restart(t)
		t.Logf("%s: restarted in %s", server.name, time.Since(start))
		s.Stop()
		s.Stop()
		out, _ := os.ReadFile(filepath.Join(s.Dir, "output.log"))
		t.Logf("%s output:\n%s", server.name, out)
	}
}

func TestScratchFail(t *testing.T) {
	s := StartNgircd(t, NgircdOptions{})
	c := Dial(t, s.Addr, "alice")
	c.WaitPrivmsg(t, "nobody", "", nil, 500*time.Millisecond)
}
