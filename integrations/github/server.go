package github

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of the receiver's own listener. Reading allows a 25 MB body
// over a slow link; GitHub itself waits 10 seconds for the answer.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 2 * time.Minute
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 5 * time.Second
)

// Server is the receiver's own listener, for a Config with Listen set:
// Path and nothing else, over TLS when a certificate is configured.
type Server struct {
	srv *http.Server
	ln  net.Listener
	log *slog.Logger
}

// NewServer binds cfg.Listen and loads the TLS certificate, so that a
// port in use or an unreadable key is an error at start. h is normally
// the Receiver; a nil log discards the server's lines.
//
// TODO: the certificate is read once; a renewed one is served only after
// a restart, which matters with short-lived certificates.
func NewServer(cfg Config, h http.Handler, log *slog.Logger) (*Server, error) {
	tlsCfg, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("webhook listen: %w", err)
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}

	mux := http.NewServeMux()
	mux.Handle(Path, h)
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("github webhooks listening", keyAddr, ln.Addr().String(), keyTLS, tlsCfg != nil)
	return &Server{srv: srv, ln: ln, log: log}, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr {
	return s.ln.Addr()
}

// Serve answers requests until ctx ends, then shuts down, letting
// requests under way finish for a few seconds. It returns nil after a
// clean stop.
func (s *Server) Serve(ctx context.Context) error {
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		_ = s.srv.Shutdown(shutdown)
	}()

	err := s.srv.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-stopped
		return nil
	}
	return fmt.Errorf("webhook server: %w", err)
}
