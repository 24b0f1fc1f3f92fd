// Package schedule runs configured command lines at times given as cron
// specs: "run master on the overlay nodes every Saturday night".
//
// Each [[schedules]] entry names a command line, the channel its output
// goes to and the maintainer it runs as. At each time its cron spec
// gives, in the configured zone, the Scheduler hands the line to the
// dispatcher as that maintainer by way of the schedule
// (commands.ScheduleCaller), so the line meets the same checks, audit
// trail and answer as a person's would. A scheduled upgrade starts
// without confirm: the schedule, which the maintainers wrote into the
// configuration, is the confirmation.
//
// A run that would overlap the schedule's previous run, still going, or
// work a Busy says is under way (an upgrade still rolling), is skipped,
// with one line in the schedule's channel. Runs are not replayed: the
// next run of each schedule is worked out from the moment the Scheduler
// starts, and nothing of earlier runs is kept, so a run that fell due
// while gordon was down is lost, and one that fell due while gordon was
// stopped or its machine asleep is said to be missed and not made up.
// That is deliberate: an upgrade of the whole fleet starting on a
// Monday morning because gordon came back then would surprise everyone.
//
// Specs are read in the configured zone, with its summer time: a time of
// day the clocks going back repeat runs once, and one the clocks going
// forward skip does not run that day, as cron's parser has it.
//
// The Scheduler keeps time through a Clock, which tests replace, and
// reads cron specs with github.com/robfig/cron/v3's parser; it drives
// its own timer rather than cron's, so that a fake clock drives it.
package schedule
