package sshrunner

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"golang.org/x/crypto/ssh"

	"github.com/gordonbot/gordon/fleet/upgrade"
)

// login is where and as whom to log in to one node.
type login struct {
	addr string // host:port
	user string
}

// loginFor renders the host and user templates for t. A host that ends
// in ":port" keeps that port.
func (r *Runner) loginFor(t upgrade.Target) (login, error) {
	host, err := render(r.host, t)
	if err != nil {
		return login{}, err
	}
	user, err := render(r.user, t)
	if err != nil {
		return login{}, err
	}
	switch {
	case host == "":
		return login{}, fmt.Errorf("no host to connect to for %s: it has no address, so set host", t.Node)
	case user == "":
		return login{}, fmt.Errorf("no user to log in as on %s", t.Node)
	}
	if err := checkValue("user", user); err != nil {
		return login{}, err
	}

	if _, _, err := net.SplitHostPort(host); err == nil {
		return login{addr: host, user: user}, nil
	}
	return login{addr: net.JoinHostPort(host, strconv.Itoa(r.port)), user: user}, nil
}

// connect dials l.addr and logs in, checking the host key first. It gives
// up at the connect timeout, or when ctx ends, whichever comes first.
func (r *Runner) connect(ctx context.Context, l login) (*ssh.Client, error) {
	cctx, cancel := context.WithTimeoutCause(ctx, r.connectTimeout,
		fmt.Errorf("no login within connect_timeout %s", r.connectTimeout))
	defer cancel()

	check, algos, err := r.hostKeys.begin(l.addr)
	if err != nil {
		return nil, err
	}
	methods, done, err := r.auth.methods(cctx)
	if err != nil {
		return nil, err
	}
	defer done()

	var d net.Dialer
	conn, err := d.DialContext(cctx, "tcp", l.addr)
	if err != nil {
		return nil, connectError(ctx, cctx, "connect to "+l.addr, err)
	}

	// The handshake knows no context: closing the connection is what
	// stops it.
	stop := context.AfterFunc(cctx, func() { conn.Close() })
	cfg := &ssh.ClientConfig{
		User: l.user, Auth: methods, HostKeyCallback: check.callback, HostKeyAlgorithms: algos,
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, l.addr, cfg)
	if !stop() {
		if err == nil {
			c.Close()
		}
		return nil, connectError(ctx, cctx, "log in to "+l.addr, context.Cause(cctx))
	}

	if refused := check.refused.Load(); refused != nil {
		return nil, refused
	}
	if err != nil {
		return nil, fmt.Errorf("log in to %s as %s: %w", l.addr, l.user, err)
	}
	return ssh.NewClient(c, chans, reqs), nil
}

// connectError says why step failed: the caller's context ending, the
// connect timeout, or err.
func connectError(ctx, cctx context.Context, step string, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", step, ctx.Err())
	case cctx.Err() != nil:
		return fmt.Errorf("%s: %w", step, context.Cause(cctx))
	}
	return fmt.Errorf("%s: %w", step, err)
}
