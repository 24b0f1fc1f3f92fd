// Package jenkinstest is a Jenkins simulator: an http.Handler that honours
// the part of Jenkins' REST API that gojenkins and gordon use, with
// Jenkins' field names, types and status codes, so that gordon's client
// is tested against the same answers a real Jenkins gives.
//
// It serves the root, job, build, queue, computer and label objects at
// .../api/json (with tree= filtering, as Jenkins does), the crumb issuer,
// build and buildWithParameters (201 with the queue item in Location; a
// request identical to a waiting item is folded into it), stop,
// queue/cancelItem, and toggleOffline and changeOfflineCause. Requests
// need HTTP basic auth with the configured user and API token; without it
// the answer is 403, with a wrong token 401.
//
// Time moves lazily: each request first lets queue items whose quiet
// period is over start on a free executor of a matching online node, and
// lets builds whose duration has passed end. Tests drive it with a clock
// of their own (Config.Now) and with Finish; nothing runs in the
// background. Faults (an HTTP status, a slow answer, an answer that comes
// after the request took effect) are switched on with AddFault.
//
// It is also the Jenkins of gordon's demo (cmd/jenkins-sim). It is a
// simulator: nothing is ever built.
package jenkinstest
