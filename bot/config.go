package bot

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gordonbot/gordon/config"
)

// Config is the [irc] section.
type Config struct {
	Server        string   `toml:"server"` // host:port
	TLS           bool     `toml:"tls"`
	TLSSkipVerify bool     `toml:"tls_skip_verify"`
	TLSCA         string   `toml:"tls_ca"` // PEM file of CAs to trust instead of the system's
	Nick          string   `toml:"nick"`
	AltNick       string   `toml:"alt_nick"`
	User          string   `toml:"user"`
	RealName      string   `toml:"realname"`
	Channels      []string `toml:"channels"`
	Prefix        string   `toml:"prefix"`
	Colour        bool     `toml:"colour"`

	// Password is the server password (PASS), when the server wants one.
	Password         string `toml:"password"`
	SASLUser         string `toml:"sasl_user"`
	SASLPassword     string `toml:"sasl_password"`
	NickServPassword string `toml:"nickserv_password"`

	// ChannelKeys maps a channel to its key (+k).
	ChannelKeys map[string]string `toml:"channel_keys"`

	// Flood control: FloodBurst lines at once, then one per FloodInterval.
	FloodBurst    int             `toml:"flood_burst"`
	FloodInterval config.Duration `toml:"flood_interval"`

	// After PingInterval without a line from the server gordon pings it,
	// and after PingTimeout more without one it reconnects.
	PingInterval config.Duration `toml:"ping_interval"`
	PingTimeout  config.Duration `toml:"ping_timeout"`
}

// Defaults fills what was left unset.
func (c *Config) Defaults() {
	if c.Nick == "" {
		c.Nick = "gordon"
	}
	if c.AltNick == "" {
		c.AltNick = c.Nick + "_"
	}
	if c.User == "" {
		c.User = "gordon"
	}
	if c.RealName == "" {
		c.RealName = "gordon, the CI fleet bot"
	}
	if c.Prefix == "" {
		c.Prefix = "!"
	}
	if c.FloodBurst == 0 {
		c.FloodBurst = 4
	}
	if c.FloodInterval == 0 {
		c.FloodInterval = config.Duration(2e9)
	}
	if c.PingInterval == 0 {
		c.PingInterval = config.Duration(60 * time.Second)
	}
	if c.PingTimeout == 0 {
		c.PingTimeout = config.Duration(30 * time.Second)
	}
}

// Validate reports every problem with its key.
func (c Config) Validate() error {
	var p config.Problems
	if err := checkHostPort(c.Server); err != nil {
		p.Add("server", "%v", err)
	}
	if !validNick(c.Nick) {
		p.Add("nick", "%q is not a valid nick", c.Nick)
	}
	if !validNick(c.AltNick) || strings.EqualFold(c.AltNick, c.Nick) {
		p.Add("alt_nick", "%q must be a valid nick other than nick", c.AltNick)
	}
	if len(c.Channels) == 0 {
		p.Add("channels", "name at least one channel")
	}
	for i, ch := range c.Channels {
		if !ValidChannel(ch) {
			p.Add(fmt.Sprintf("channels[%d]", i), "%q is not a channel name", ch)
		}
	}
	for ch := range c.ChannelKeys {
		if !ValidChannel(ch) {
			p.Add("channel_keys."+ch, "not a channel name")
		}
	}
	if len(c.Prefix) > 3 || strings.ContainsAny(c.Prefix, " \t") || hasAlnum(c.Prefix) {
		p.Add("prefix", "%q must be one to three punctuation characters", c.Prefix)
	}
	if (c.TLSCA != "" || c.TLSSkipVerify) && !c.TLS {
		p.Add("tls", "must be true when tls_ca or tls_skip_verify is set")
	}
	if c.TLSCA != "" {
		if _, err := loadCAs(c.TLSCA); err != nil {
			p.Add("tls_ca", "%v", err)
		}
	}
	if c.SASLPassword != "" && c.SASLUser == "" {
		p.Add("sasl_user", "required with sasl_password")
	}
	if c.FloodBurst < 1 || c.FloodBurst > 20 {
		p.Add("flood_burst", "must be between 1 and 20, got %d", c.FloodBurst)
	}
	if c.FloodInterval.D() < 0 || c.FloodInterval.D() > 60e9 {
		p.Add("flood_interval", "must be between 0s and 1m, got %s", c.FloodInterval.D())
	}
	if c.PingInterval.D() < 100*time.Millisecond || c.PingInterval.D() > 10*time.Minute {
		p.Add("ping_interval", "must be between 100ms and 10m, got %s", c.PingInterval.D())
	}
	if c.PingTimeout.D() < 100*time.Millisecond || c.PingTimeout.D() > 10*time.Minute {
		p.Add("ping_timeout", "must be between 100ms and 10m, got %s", c.PingTimeout.D())
	}
	return p.Err()
}

// loadCAs reads a PEM file of certificates to trust.
func loadCAs(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("no PEM certificate in %s", path)
	}
	return pool, nil
}

func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if host == "" {
		return fmt.Errorf("%q has no host", addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q has no valid port", addr)
	}
	return nil
}

// ValidChannel reports whether name is a channel name gordon can join.
func ValidChannel(name string) bool {
	if len(name) < 2 || len(name) > 50 || !strings.ContainsRune("#&", rune(name[0])) {
		return false
	}
	return !strings.ContainsAny(name, " ,\x07\r\n\x00")
}

func validNick(nick string) bool {
	if nick == "" || len(nick) > 30 || nick[0] >= '0' && nick[0] <= '9' || nick[0] == '-' {
		return false
	}
	for _, r := range nick {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_[]\\`^{}|", r)) {
			return false
		}
	}
	return true
}

func hasAlnum(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}
