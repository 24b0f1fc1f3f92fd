// Package github receives GitHub webhook deliveries and hands them on as
// typed events, and calls GitHub's REST API.
//
// A Receiver is an http.Handler for POST /hooks/github. For each delivery
// it checks the method, the size, the headers and the content type (JSON
// or the form-encoded payload= variant), verifies the X-Hub-Signature-256
// HMAC over the raw body against every configured secret, parses the body
// with go-github into its typed event, drops a delivery it has already
// taken, and queues the event for an EventHandler. It answers 202 once a
// delivery is taken, and a 4xx or 503 with a short reason otherwise.
//
// The signature is checked here rather than with go-github's
// ValidatePayload, which accepts unsigned payloads when its secret is
// empty and falls back to SHA-1 when the SHA-256 header is missing. A
// Receiver refuses to start without a secret and knows only SHA-256.
//
// Delivery IDs go to a DeliveryLog, the caller's durable store, in
// batches; the IDs not yet written are kept in memory so that a
// redelivery arriving before the write is still recognised. A delivery
// that triggers an action is written, with its body, before the answer.
//
// A Client calls the API through go-github (github.com or GitHub
// Enterprise Server, by api_url) for what pull request gating needs: a
// pull request's commits, commit statuses, comments and a person's
// permission; and for what fleet upgrades need: a repository's releases
// and a branch's head. Under go-github its transport keeps to GitHub's
// limits: it remembers the core rate limit from every answer and waits
// for the reset instead of being refused, waits out a secondary limit
// for its Retry-After, sends writes one at a time with a gap between
// them, and makes reads conditional on the last answer's ETag, since a
// 304 costs no quota. A wait longer than allowed fails at once with a
// *RateLimitError, which Temporary reports as worth retrying later.
//
// Like every package under integrations, this one imports no other
// package of gordon: it declares the small interfaces it needs and the
// caller adapts its store and its announcer to them.
package github
