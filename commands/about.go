package commands

import (
	"context"
	"fmt"
	"time"
)

// Whoami returns the whoami command: how gordon identified the caller and
// what they may do.
func Whoami() Command {
	return Command{
		Name:    "whoami",
		Summary: "how gordon identified you and what you may do",
		Role:    RoleAnyone,
		Run: func(ctx context.Context, req *Request) error {
			c := req.Caller
			account := "no account"
			if c.Account != "" {
				account = fmt.Sprintf("account %s (from %s)", c.Account, c.Via)
			}

			role := "anyone: queries only"
			if c.Role == RoleMaintainer {
				role = "maintainer " + c.Name
			}
			req.Reply("%s: %s, %s; role: %s", c.Nick, account, identityMode(c.Identity), role)
			return nil
		},
	}
}

func identityMode(id Identity) string {
	if id.Via == "console" {
		return "at gordon's console"
	}
	if id.AccountsTracked {
		return "this server tracks accounts"
	}
	return "this server tracks no accounts, so hostmasks count"
}

// BuildInfo describes the running gordon.
type BuildInfo struct {
	Version string
	Commit  string
	Started time.Time
}

// Version returns the version command: version, commit and uptime.
func Version(info BuildInfo) Command {
	return Command{
		Name:    "version",
		Summary: "gordon's version and uptime",
		Role:    RoleAnyone,
		Run: func(ctx context.Context, req *Request) error {
			up := time.Since(info.Started).Truncate(time.Second)
			req.Reply("gordon %s (%s), up %s", info.Version, info.Commit, up)
			return nil
		},
	}
}

// Builtins returns the commands every gordon has.
func Builtins(reg *Registry, info BuildInfo) []Command {
	return []Command{Help(reg), Whoami(), Version(info)}
}
