package commands

import "strings"

// ViaSchedule is the Identity.Via of a caller that is a configured
// schedule running its command line. Only gordon's own code sets Via;
// the chat side fills it from how the server vouched for an account, so
// a person on IRC cannot make a line of theirs look scheduled.
const ViaSchedule = "schedule"

// schedulePrefix starts the account of a scheduled caller, as "github:"
// starts that of a pull request commenter.
const schedulePrefix = "schedule:"

// ScheduleCaller returns the caller a schedule's command line runs as:
// the maintainer m, by way of the schedule named schedule. Who() is
// "schedule:NAME", so that the audit trail, Jenkins and the rate limit
// tell the schedule from the person; Name is the maintainer's.
func ScheduleCaller(schedule string, m Maintainer) Caller {
	id := Identity{Nick: m.Name, User: "schedule", Host: "gordon", Account: schedulePrefix + schedule,
		Via: ViaSchedule, AccountsTracked: true}
	return Caller{Identity: id, Role: RoleMaintainer, Name: m.Name}
}

// Schedule returns the name of the schedule the caller runs for, and
// whether it is one: a maintainer known through ViaSchedule. A command
// may then skip asking for confirm, since the schedule, written into
// the configuration by the maintainers, is the confirmation.
func (c Caller) Schedule() (string, bool) {
	if c.Via != ViaSchedule || c.Role < RoleMaintainer {
		return "", false
	}
	name, ok := strings.CutPrefix(c.Account, schedulePrefix)
	return name, ok && name != ""
}
