// Command webhooks is the load harness for gordon's GitHub webhook
// receiver. It runs the real receiver and announcer behind a real HTTP
// server on loopback, with delivery IDs in a real bbolt file, and POSTs
// deliveries signed exactly as GitHub signs them.
//
// The default mode measures throughput and latency: -n deliveries from
// -c clients at once, a share -dup of them redeliveries, mixed from the
// captured payloads of the receiver's tests. It reports deliveries a
// second from the first request to the last event handled, client-side
// latency percentiles, CPU time, and checks that every accepted ID is in
// the store.
//
// With -big N it measures memory instead: N deliveries of about 25 MB
// each, from -bigc senders at a time, reporting the peak Go heap and the
// peak RSS of the process.
//
// Run it from the module root:
//
//	go run ./bench/webhooks -n 100000 -c 32
//	go run ./bench/webhooks -big 20 -bigc 1
package main
