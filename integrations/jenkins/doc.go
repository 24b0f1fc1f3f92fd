// Package jenkins is gordon's Jenkins client, built on gojenkins' requester
// but not on its higher-level calls, which hide failures: BuildJob triggers
// nothing and reports success when the job already has an item queued,
// GetBuildFromQueueID polls forever, and a failed crumb request panics.
//
// A trigger here posts to build or buildWithParameters itself and answers
// with the queue item named by the Location header. Following an item to
// its build and a build to its result is done by polling that backs off
// and gives up at a configured limit. Reads have a timeout each and are
// retried; writes are sent once, and when their answer is lost the error
// says that Jenkins may have acted anyway.
//
// Parameters are checked against the job's definitions before anything is
// posted, because Jenkins silently drops the parameters a job does not
// define. Errors are typed (see errors.go): callers branch with errors.Is
// on the ErrX sentinels and errors.As on the XError types, and every error
// meant for a person has a Brief method giving one short line.
//
// The package imports no other package of gordon. Its Config is the
// [jenkins] section of gordon's configuration.
package jenkins
