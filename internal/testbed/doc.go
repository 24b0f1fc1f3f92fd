// Package testbed runs real IRC servers on loopback for tests, and a small
// IRC client that plays a person talking to them.
//
// Each server gets a config generated in the test's temporary directory,
// starts on a free 127.0.0.1 port, runs in the foreground as a child of the
// test binary, and is stopped by t.Cleanup. When the server's binary is
// missing the test fails with a message naming the Debian package to
// install: a skipped test would prove nothing. When a test fails, the
// server's output and logs are shown with t.Log.
//
// Two servers are offered because they treat a fast client differently, and
// gordon must survive both:
//   - ngircd delays a client that sends too fast but never disconnects it
//     (and NgircdOptions.NoPenalty turns that delay off);
//   - InspIRCd, as configured here, disconnects a client that sends more
//     than about eight lines at once with "Excess Flood".
//
// InspIRCd can also run with services (InspircdOptions.Services): Debian's
// Atheme linked to it, so that tests can register accounts, log clients in
// with SASL or NickServ, and see the account tag on their messages, as
// gordon does when it identifies people.
package testbed
