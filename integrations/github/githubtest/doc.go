// Package githubtest is a fake of the part of GitHub's REST API that
// gordon calls: a pull request's commits, commit statuses, issue
// comments, a collaborator's permission, a repository's releases and a
// branch's head. It answers with GitHub's field names, status codes and
// headers, rate limit headers included, so that gordon's client is
// tested through the real go-github against the same answers GitHub
// gives.
//
// It keeps a rate limit window as GitHub does: every answer but a 304
// uses one request of it, and once none is left requests are refused
// with 403 and X-RateLimit-Remaining: 0 until the window resets. GET
// answers carry an ETag, and a request with a matching If-None-Match is
// answered 304 without using the window. Secondary limits and failures
// are switched on with AddFault.
//
// Requests need a token (Authorization: Bearer or token); without the
// configured one the answer is 401. The API may sit under a prefix, as
// GitHub Enterprise Server's /api/v3 does.
package githubtest
