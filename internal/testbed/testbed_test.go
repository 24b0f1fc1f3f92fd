package testbed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// messageTimeout bounds the wait for a line relayed between two clients.
// It is generous because ngircd's default flood control holds a new
// client's first line after a join for 2 to 5 seconds: registration and
// girc's WHO and MODE queries have used up its allowance.
const messageTimeout = 15 * time.Second

// servers lists the IRC servers that every server test runs against.
var servers = []struct {
	name  string
	start func(t testing.TB, password string) *IRCServer
}{
	{
		name: "ngircd",
		start: func(t testing.TB, password string) *IRCServer {
			return StartNgircd(t, NgircdOptions{NoPenalty: true, Password: password})
		},
	},
	{
		name: "ngircd-penalty",
		start: func(t testing.TB, password string) *IRCServer {
			return StartNgircd(t, NgircdOptions{Password: password})
		},
	},
	{
		name: "inspircd",
		start: func(t testing.TB, password string) *IRCServer {
			return StartInspircd(t, InspircdOptions{Password: password})
		},
	},
	{
		name: "inspircd-services",
		start: func(t testing.TB, password string) *IRCServer {
			return StartInspircd(t, InspircdOptions{Password: password, Services: true})
		},
	},
}

func TestWaitListening(t *testing.T) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t)))

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := WaitListening(ctx, addr); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitListening on a closed port = %v, want a deadline error", err)
	}

	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listening on %s: %v", addr, err)
	}
	defer l.Close()

	ctx, cancel = context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := WaitListening(ctx, addr); err != nil {
		t.Fatalf("WaitListening on a listening port: %v", err)
	}
}

func TestFreePortNeverRepeats(t *testing.T) {
	seen := make(map[int]bool)
	for range 200 {
		port := FreePort(t)
		if seen[port] {
			t.Fatalf("FreePort returned %d twice", port)
		}
		seen[port] = true
	}
}

func TestFindBinaryMissing(t *testing.T) {
	_, err := findBinary("gordon-testbed-no-such-server")
	if !errors.Is(err, exec.ErrNotFound) {
		t.Fatalf("findBinary of a missing program = %v, want exec.ErrNotFound", err)
	}
}

func TestClientsTalkInChannel(t *testing.T) {
	for _, server := range servers {
		t.Run(server.name, func(t *testing.T) {
			t.Parallel()
			s := server.start(t, "")

			alice := Dial(t, s.Addr, "alice")
			bob := Dial(t, s.Addr, "bob")
			alice.Join(t, "#t")
			bob.Join(t, "#t")

			alice.Say("#t", "hello from alice")
			got := bob.WaitPrivmsg(t, "Alice", "#T", nil, messageTimeout)

			if got != "hello from alice" {
				t.Errorf("bob received %q, want %q", got, "hello from alice")
			}
			assertMessage(t, bob.Messages(), Message{
				Command: "PRIVMSG", From: "alice", Target: "#t", Text: "hello from alice",
			})
		})
	}
}

func TestRestart(t *testing.T) {
	for _, server := range servers {
		t.Run(server.name, func(t *testing.T) {
			t.Parallel()
			s := server.start(t, "")
			before := Dial(t, s.Addr, "before")
			addr := s.Addr

			s.Restart(t)

			select {
			case <-before.done:
			case <-time.After(messageTimeout):
				t.Errorf("client connected before the restart is still connected")
			}
			if s.Addr != addr {
				t.Errorf("address after restart = %s, want %s", s.Addr, addr)
			}
			after := Dial(t, s.Addr, "after")
			after.Join(t, "#t")
		})
	}
}

func TestServerPassword(t *testing.T) {
	for _, server := range servers {
		t.Run(server.name, func(t *testing.T) {
			t.Parallel()
			s := server.start(t, "sesame")

			c := DialWithPassword(t, s.Addr, "insider", "sesame")
			c.Join(t, "#t")

			conn, r := dialRaw(t, s.Addr)
			send(t, conn, "NICK outsider", "USER outsider 0 * :outsider")
			line := readUntil(t, conn, r, "ERROR ", " 001 ")
			if !strings.HasPrefix(line, "ERROR ") {
				t.Errorf("a client without the password got %q, want an ERROR", line)
			}
		})
	}
}

func TestInspircdDisconnectsFlooder(t *testing.T) {
	t.Parallel()
	s := StartInspircd(t, InspircdOptions{})

	conn, r := dialRaw(t, s.Addr)
	send(t, conn, "NICK flooder", "USER flooder 0 * :flooder")
	readUntil(t, conn, r, " 001 ")

	var burst []string
	for i := range 30 {
		burst = append(burst, fmt.Sprintf("PRIVMSG flooder :line %d", i))
	}
	send(t, conn, burst...)

	line := readUntil(t, conn, r, "ERROR ")
	if !strings.Contains(line, "Excess Flood") {
		t.Errorf("flooder got %q, want an ERROR for Excess Flood", line)
	}
	if _, err := r.ReadString('\n'); err == nil {
		t.Errorf("connection still open after the ERROR")
	}
}

// assertMessage fails the test unless msgs holds want, ignoring when it
// arrived.
func assertMessage(t *testing.T, msgs []Message, want Message) {
	t.Helper()

	for _, m := range msgs {
		m.At = time.Time{}
		if m == want {
			return
		}
	}
	t.Errorf("messages %+v lack %+v", msgs, want)
}

// dialRaw opens a plain TCP connection to an IRC server, closed when the
// test ends, with a deadline on every read and write.
func dialRaw(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()

	conn, err := net.DialTimeout("tcp", addr, messageTimeout)
	if err != nil {
		t.Fatalf("dialing %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })

	if err := conn.SetDeadline(time.Now().Add(registerTimeout)); err != nil {
		t.Fatalf("setting deadline: %v", err)
	}
	return conn, bufio.NewReader(conn)
}

// send writes lines to conn in a single write, each ended by CR LF.
func send(t *testing.T, conn net.Conn, lines ...string) {
	t.Helper()

	text := strings.Join(lines, "\r\n") + "\r\n"
	if _, err := conn.Write([]byte(text)); err != nil {
		t.Fatalf("writing %d lines: %v", len(lines), err)
	}
}

// readUntil reads lines from r until one contains any of wants, and
// returns it. It fails the test when the connection ends first, listing
// what it read.
func readUntil(t *testing.T, conn net.Conn, r *bufio.Reader, wants ...string) string {
	t.Helper()

	var seen []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading from %s: %v; got:\n%s", conn.RemoteAddr(), err, joinLines(seen))
		}

		line = strings.TrimRight(line, "\r\n")
		seen = append(seen, line)
		for _, want := range wants {
			if strings.Contains(line, want) {
				return line
			}
		}
	}
}
