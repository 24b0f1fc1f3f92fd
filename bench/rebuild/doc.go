// Command rebuild measures two of gordon's numbers for the rebuild
// command, against the Jenkins simulator (jenkinstest) run in a child
// process, so that the simulator's CPU, garbage and memory are never
// charged to gordon.
//
// The first is command to action: a maintainer's "!rebuild <pr> on dm-1"
// handed to the dispatcher, wired as cmd/gordon wires it, until the POST
// to buildWithParameters has been written to Jenkins' socket. Of that
// span, gordon's own time leaves out the waits for Jenkins' answers to
// the requests before the POST (the agents, the queue read twice, the job
// definition, the crumb): each wait runs from the request's last byte
// written to the answer's first byte read, as net/http/httptrace reports
// them. Everything else counts as gordon's: parsing, role check, the
// audit record written before the command runs, building and writing
// requests, reading and decoding answers, and the goroutine hand-offs in
// between. It runs once with the in-memory store and once with bbolt,
// which production uses. -queue items wait in Jenkins' queue throughout,
// since rebuild reads the whole queue; -cpuprofile and -memprofile show
// where gordon's time and allocations go.
//
// The second is the cost of many open follow-ups: -followups builds,
// spread over -jobs jobs, are queued in the simulator (they start at once
// and run for a day), handed to the follow-up engine, and the engine's
// loop runs for -for with followup's default configuration and each poll
// interval of -polls. It reports the Go heap and RSS the follow-ups take,
// when their start reports went out, and the requests a second, and bytes
// a second, the simulator served them.
//
// Run it from the module root:
//
//	go run ./bench/rebuild
//	go run ./bench/rebuild -parts rebuild -n 5000 -cpuprofile /tmp/rebuild.prof
//	go run ./bench/rebuild -parts rebuild -stores memory -n 1000 -queue 0
//	go run ./bench/rebuild -parts followups -followups 500 -jobs 5 -for 30s -polls 5s,1s
package main
