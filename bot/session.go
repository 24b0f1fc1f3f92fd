package bot

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lrstanley/girc"
	"github.com/prometheus/client_golang/prometheus"
)

// Session is gordon's life on IRC: one connection at a time, registered,
// joined, and replaced with backoff when it dies. Lines handed to Send
// wait in a queue that outlives connections.
type Session struct {
	cfg      Config
	log      *slog.Logger
	queue    *queue
	accounts *accounts
	metrics  *metrics
	debug    bool

	// OnNick, when set, learns gordon's nick each time it changes.
	OnNick func(nick string)

	// QuitFlush bounds how long Run spends writing queued lines on the way
	// out before it sends QUIT.
	QuitFlush time.Duration

	mu         sync.Mutex
	client     *girc.Client
	conn       *pacedConn
	registered bool
	joined     map[string]bool // lowercased channel names
	nick       string
	prefixLen  int
	saslFailed bool
	dialed     time.Time
	everJoined bool
	notReady   string

	handlers chan struct{} // bounds commands running at once
}

// NewSession returns a session for cfg, which must be validated. Its
// metrics are registered with reg when reg is not nil.
func NewSession(cfg Config, log *slog.Logger, reg prometheus.Registerer) *Session {
	return &Session{
		cfg:       cfg,
		log:       log,
		queue:     newQueue(),
		accounts:  newAccounts(),
		metrics:   newMetrics(reg),
		debug:     log.Enabled(context.Background(), slog.LevelDebug),
		QuitFlush: 3 * time.Second,
		joined:    map[string]bool{},
		prefixLen: conservativePrefix,
		notReady:  "not connected yet",
		handlers:  make(chan struct{}, 32),
	}
}

// Run keeps gordon connected until ctx ends, handing every command line
// to h. On the way out it writes what is queued, bounded by QuitFlush, and
// quits with a reason. It returns nil after a clean stop.
func (s *Session) Run(ctx context.Context, h Handler) error {
	writeCtx, stopWriter := context.WithCancel(context.Background())
	defer stopWriter()
	go s.writeLoop(writeCtx)

	b := newBackoff(time.Second, 2*time.Minute)
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			s.metrics.reconnects.Inc()
		}
		started := time.Now()
		err := s.connectOnce(ctx, h)
		if ctx.Err() != nil {
			return nil
		}

		if time.Since(started) > time.Minute {
			b.reset()
		}
		wait := b.next()
		s.log.Warn("irc disconnected", keyError, err, keyRetryIn, wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil
		}
	}
}

// connectOnce dials, registers and serves one connection until it ends.
func (s *Session) connectOnce(ctx context.Context, h Handler) error {
	client := s.newClient()
	s.addHandlers(ctx, client, h)

	done := make(chan struct{})
	defer close(done)
	go s.quitOnCancel(ctx, client, done)
	go s.regainNick(client, done)

	err := client.DialerConnect(dialerFunc(s.dial))
	s.disconnected()
	return err
}

// newClient builds the girc client for one connection. girc's own pacing
// is off: the pacedConn under it paces every line instead. TLS is done in
// dial, below the pacing, so girc's SSL stays off.
func (s *Session) newClient() *girc.Client {
	host, port, _ := net.SplitHostPort(s.cfg.Server)
	portNum, _ := strconv.Atoi(port)

	gc := girc.Config{
		Server:     host,
		Port:       portNum,
		ServerPass: s.cfg.Password,
		Nick:       s.cfg.Nick,
		User:       s.cfg.User,
		Name:       s.cfg.RealName,
		AllowFlood: true,
		DisableSTS: true,
		PingDelay:  -1, // watchLiveness does this, sooner

		RecoverFunc: s.recoverHandler,
		Version:     "gordon",
	}
	s.mu.Lock()
	if s.cfg.SASLUser != "" && !s.saslFailed {
		gc.SASL = &girc.SASLPlain{User: s.cfg.SASLUser, Pass: s.cfg.SASLPassword}
	}
	s.mu.Unlock()
	gc.HandleNickCollide = s.nickCollide
	if s.debug {
		gc.Debug = debugWriter{s.log}
	}
	return girc.New(gc)
}

// dialerFunc adapts a function to girc.Dialer.
type dialerFunc func(network, addr string) (net.Conn, error)

func (f dialerFunc) Dial(network, addr string) (net.Conn, error) { return f(network, addr) }

// dial connects, does TLS when configured, and puts the pacing under girc.
func (s *Session) dial(network, addr string) (net.Conn, error) {
	s.mu.Lock()
	s.dialed = time.Now()
	s.notReady = "connecting"
	s.mu.Unlock()

	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	conn, err := d.Dial(network, s.cfg.Server)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", s.cfg.Server, err)
	}
	if s.cfg.TLS {
		if conn, err = s.handshake(conn); err != nil {
			return nil, err
		}
	}

	pc := newPacedConn(conn, newBucket(s.cfg.FloodBurst, s.cfg.FloodInterval.D()))
	s.mu.Lock()
	s.conn = pc
	s.mu.Unlock()
	go s.watchLiveness(pc)
	return pc, nil
}

func (s *Session) handshake(conn net.Conn) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(s.cfg.Server)
	tlsCfg := &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: s.cfg.TLSSkipVerify, // off unless the config says so
		MinVersion:         tls.VersionTLS12,
	}
	if s.cfg.TLSCA != "" {
		pool, err := loadCAs(s.cfg.TLSCA)
		if err != nil {
			conn.Close()
			return nil, err
		}
		tlsCfg.RootCAs = pool
	}
	tc := tls.Client(conn, tlsCfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("tls handshake with %s: %w", s.cfg.Server, err)
	}
	return tc, nil
}

// quitOnCancel ends the connection when ctx ends: first it lets the
// writer empty the queue, bounded by QuitFlush, then it quits.
func (s *Session) quitOnCancel(ctx context.Context, client *girc.Client, done <-chan struct{}) {
	select {
	case <-done:
		return
	case <-ctx.Done():
	}

	deadline := time.Now().Add(s.QuitFlush)
	for time.Now().Before(deadline) {
		if n, _ := s.queue.len(); n == 0 || !s.isRegistered() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.log.Info("irc quitting")
	client.Quit("gordon is stopping")

	// A server that does not close the link after QUIT gets closed on.
	select {
	case <-done:
	case <-time.After(s.QuitFlush):
		client.Close()
	}
}

// regainNick asks for the configured nick every so often while gordon
// has to use another one.
func (s *Session) regainNick(client *girc.Client, done <-chan struct{}) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			s.tryRegain(client)
		}
	}
}

func (s *Session) tryRegain(client *girc.Client) {
	s.mu.Lock()
	want := s.registered && !strings.EqualFold(s.nick, s.cfg.Nick)
	s.mu.Unlock()
	if want {
		client.Cmd.Nick(s.cfg.Nick)
	}
}

// nickCollide picks the next nick while registering: the alternative
// nick, then the alternative with a trailing underscore. After
// registration a refused regain keeps the nick gordon has.
func (s *Session) nickCollide(old string) string {
	if s.isRegistered() {
		return ""
	}
	if strings.EqualFold(old, s.cfg.Nick) {
		return s.cfg.AltNick
	}
	return old + "_"
}

func (s *Session) disconnected() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		s.conn.Close()
	}
	s.conn = nil
	s.registered = false
	s.joined = map[string]bool{}
	s.accounts.reset()
	s.notReady = "disconnected"
	s.metrics.connected.Set(0)
}

func (s *Session) isRegistered() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.registered
}

// Ready reports whether gordon is connected and in every channel, and if
// not, why.
func (s *Session) Ready() (bool, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.registered {
		return false, s.notReady
	}
	var missing []string
	for _, ch := range s.cfg.Channels {
		if !s.joined[strings.ToLower(ch)] {
			missing = append(missing, ch)
		}
	}
	if len(missing) > 0 {
		return false, "not joined to " + strings.Join(missing, ", ")
	}
	return true, ""
}

func (s *Session) recoverHandler(_ *girc.Client, e *girc.HandlerError) {
	s.log.Error("irc handler panicked", keyError, e.Error(), keyStack, string(e.Stack))
}

// debugWriter sends girc's debug output, the raw traffic, to the log.
type debugWriter struct{ log *slog.Logger }

func (w debugWriter) Write(p []byte) (int, error) {
	w.log.Debug("irc", keyRaw, strings.TrimRight(string(p), "\r\n"))
	return len(p), nil
}

var _ io.Writer = debugWriter{}

// errNotWritten marks a line that never reached the socket, so it may be
// queued again without any risk of writing it twice.
var errNotWritten = errors.New("line not written")

// Nick returns gordon's nick on the current connection, empty before the
// first welcome.
func (s *Session) Nick() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nick
}
