package githubtest

import "net/http"

// rateLimitPath is GitHub's quota endpoint. Asking it uses no quota and
// works while the quota is spent, which makes it the way to see whether
// GitHub is there.
const rateLimitPath = "/rate_limit"

// isRateLimit reports whether r asks for the quota.
func isRateLimit(r *http.Request, path string) bool {
	return r.Method == http.MethodGet && path == rateLimitPath
}

// rateLimit answers GET /rate_limit with the core quota; s.mu is held.
func (s *Server) rateLimit() answer {
	core := map[string]any{
		"limit":     s.cfg.Limit,
		"remaining": s.remaining,
		"reset":     s.reset.Unix(),
		"used":      s.cfg.Limit - s.remaining,
	}
	return answer{status: http.StatusOK, body: map[string]any{
		"resources": map[string]any{"core": core},
		"rate":      core,
	}}
}
