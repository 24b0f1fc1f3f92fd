package commands

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gordonbot/gordon/config"
	"github.com/gordonbot/gordon/fleet"
)

// Role is what a caller may do. Roles are ordered: a higher role may run
// everything a lower one may.
type Role int

const (
	// RoleAnyone is every person gordon can hear.
	RoleAnyone Role = iota
	// RoleMaintainer is a person named in the [[maintainers]] list.
	RoleMaintainer
)

// String names the role as users read it.
func (r Role) String() string {
	if r == RoleMaintainer {
		return "maintainer"
	}
	return "anyone"
}

// Identity is who sent a line, as the chat side knows them.
type Identity struct {
	Nick string
	User string
	Host string

	// Account is the IRC services account, empty when the person is not
	// logged in or the server tracks no accounts.
	Account string

	// Via says how the account is known: "account-tag", "extended-join",
	// "account-notify", "whox", "console", or "none".
	Via string

	// AccountsTracked is true when the server tracks services accounts.
	// Then only accounts count, never hostmasks.
	AccountsTracked bool
}

// Hostmask returns nick!user@host.
func (id Identity) Hostmask() string {
	return id.Nick + "!" + id.User + "@" + id.Host
}

// Who is the name an audit record and a Jenkins parameter carry: the
// account when there is one, otherwise the nick.
func (id Identity) Who() string {
	if id.Account != "" {
		return id.Account
	}
	return id.Nick
}

// Maintainer is one [[maintainers]] entry of the configuration.
type Maintainer struct {
	Name      string   `toml:"name"`
	Accounts  []string `toml:"accounts"`
	Hostmasks []string `toml:"hostmasks"`
}

// Validate reports every problem of the entry.
func (m Maintainer) Validate() error {
	var p config.Problems
	if strings.TrimSpace(m.Name) == "" {
		p.Add("name", "required")
	}
	if len(m.Accounts) == 0 && len(m.Hostmasks) == 0 {
		p.Add("accounts", "a maintainer needs accounts or hostmasks")
	}
	for i, a := range m.Accounts {
		if strings.ContainsAny(a, " !@*?") || a == "" {
			p.Add(fmt.Sprintf("accounts[%d]", i), "%q is not an account name", a)
		}
	}
	for i, h := range m.Hostmasks {
		if !strings.Contains(h, "!") || !strings.Contains(h, "@") {
			p.Add(fmt.Sprintf("hostmasks[%d]", i), "%q is not nick!user@host", h)
		}
	}
	return p.Err()
}

// Roles decides a caller's role from the configured maintainers.
type Roles struct {
	entries []roleEntry
}

type roleEntry struct {
	name      string
	accounts  map[string]bool
	hostmasks []*regexp.Regexp
}

// NewRoles compiles the maintainers list. Accounts compare without case,
// as services do; hostmasks are globs, also without case.
func NewRoles(maintainers []Maintainer) *Roles {
	r := &Roles{}
	for _, m := range maintainers {
		e := roleEntry{name: m.Name, accounts: map[string]bool{}}
		for _, a := range m.Accounts {
			e.accounts[strings.ToLower(a)] = true
		}
		for _, h := range m.Hostmasks {
			e.hostmasks = append(e.hostmasks, regexp.MustCompile("(?i)"+fleet.GlobRegexp(h)))
		}
		r.entries = append(r.entries, e)
	}
	return r
}

// Of returns the caller's role and, for a maintainer, the configured name.
// On a server that tracks accounts only the account counts: a nick or a
// hostmask proves nothing there.
func (r *Roles) Of(id Identity) (Role, string) {
	for _, e := range r.entries {
		if e.matches(id) {
			return RoleMaintainer, e.name
		}
	}
	return RoleAnyone, ""
}

func (e roleEntry) matches(id Identity) bool {
	if id.Account != "" && e.accounts[strings.ToLower(id.Account)] {
		return true
	}
	if id.AccountsTracked {
		return false
	}
	mask := id.Hostmask()
	for _, re := range e.hostmasks {
		if re.MatchString(mask) {
			return true
		}
	}
	return false
}
