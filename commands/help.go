package commands

import (
	"context"
	"strings"
)

// Help returns the help command, which reads reg when it runs, so it sees
// every command registered before or after it.
func Help(reg *Registry) Command {
	return Command{
		Name:    "help",
		Usage:   "[command]",
		Summary: "list the commands you may run, or show how to use one",
		Role:    RoleAnyone,
		Run: func(ctx context.Context, req *Request) error {
			words := req.Inv.Words()
			switch len(words) {
			case 0:
				helpList(reg, req)
				return nil
			case 1:
				return helpOne(reg, req, strings.ToLower(words[0]))
			default:
				return Usagef("help takes one command name")
			}
		},
	}
}

func helpList(reg *Registry, req *Request) {
	var names []string
	for _, c := range reg.All() {
		if req.Caller.Role >= c.Role {
			names = append(names, c.Name)
		}
	}
	req.Reply("commands: %s (help <command> for one)", strings.Join(names, ", "))
}

func helpOne(reg *Registry, req *Request, name string) error {
	c := reg.Lookup(name)
	if c == nil {
		if close, ok := reg.Closest(name); ok {
			return Userf("no command %s; did you mean %s?", quoteName(name), close)
		}
		return Userf("no command %s", quoteName(name))
	}
	if req.Caller.Role < c.Role {
		return Userf("%s is for %ss", c.Name, c.Role)
	}

	usage := strings.TrimSpace(c.Name + " " + c.Usage)
	req.Reply("%s: %s", usage, c.Summary)
	return nil
}
