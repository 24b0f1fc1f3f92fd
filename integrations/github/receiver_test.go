package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	gh "github.com/google/go-github/v62/github"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestReceiverAcceptsEveryAnnouncedEvent(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		event string
		want  any
	}{
		{"push", "push.json", "push", &gh.PushEvent{}},
		{"forced push", "push_forced.json", "push", &gh.PushEvent{}},
		{"branch deleted", "push_deleted.json", "push", &gh.PushEvent{}},
		{"tag pushed", "push_tag.json", "push", &gh.PushEvent{}},
		{"pull request opened", "pull_request_opened.json", "pull_request", &gh.PullRequestEvent{}},
		{"pull request closed", "pull_request_closed.json", "pull_request", &gh.PullRequestEvent{}},
		{"pull request merged", "pull_request_merged.json", "pull_request", &gh.PullRequestEvent{}},
		{"pull request reopened", "pull_request_reopened.json", "pull_request", &gh.PullRequestEvent{}},
		{"pull request pushed to", "pull_request_synchronize.json", "pull_request", &gh.PullRequestEvent{}},
		{"hostile title", "pull_request_opened_hostile.json", "pull_request", &gh.PullRequestEvent{}},
		{"release", "release_published.json", "release", &gh.ReleaseEvent{}},
		{"pre-release", "release_prerelease.json", "release", &gh.ReleaseEvent{}},
		{"status failure", "status_failure.json", "status", &gh.StatusEvent{}},
		{"status error", "status_error.json", "status", &gh.StatusEvent{}},
		{"status success", "status_success.json", "status", &gh.StatusEvent{}},
		{"check run failure", "check_run_failure.json", "check_run", &gh.CheckRunEvent{}},
		{"check run timed out", "check_run_timed_out.json", "check_run", &gh.CheckRunEvent{}},
		{"issue opened", "issues_opened.json", "issues", &gh.IssuesEvent{}},
	}

	out := newSink()
	r := newTestReceiver(t, testConfig(t, nil), Options{Log: newFakeLog(), Handler: out}, true)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprintf("72d3162e-cc78-11e3-81ab-4c9367dc%04d", i)
			for _, build := range []func(string, string, []byte, string) *http.Request{delivery, formDelivery} {
				resp := serve(r, build(tt.event, id, payload(t, tt.file), testSecret))
				if resp.StatusCode != http.StatusAccepted {
					t.Fatalf("status %d, want 202: %s", resp.StatusCode, readAll(resp))
				}
				id += "-form"
			}

			for range 2 {
				e := out.next(t)
				if e.Type != tt.event || !strings.HasPrefix(e.Delivery, id[:36]) || e.HookID != "5220341" {
					t.Fatalf("handled %+v", e)
				}
				if fmt.Sprintf("%T", e.Payload) != fmt.Sprintf("%T", tt.want) {
					t.Fatalf("payload is %T, want %T", e.Payload, tt.want)
				}
			}
		})
	}
}

// badDeliveries are deliveries the receiver refuses, each built from the
// captured push payload.
var badDeliveries = []struct {
	name    string
	req     func(push []byte) *http.Request
	status  int
	outcome string
}{
	{"tampered body", func(push []byte) *http.Request {
		req := delivery("push", "d-tampered", push, testSecret)
		tampered := bytes.Replace(push, []byte(`"forced": false`), []byte(`"forced": true `), 1)
		req.Body = io.NopCloser(bytes.NewReader(tampered))
		return req
	}, http.StatusUnauthorized, outcomeUnsigned},
	{"wrong secret", func(push []byte) *http.Request {
		return delivery("push", "d-wrong", push, "not the secret")
	}, http.StatusUnauthorized, outcomeUnsigned},
	{"no signature", func(push []byte) *http.Request {
		req := delivery("push", "d-unsigned", push, testSecret)
		req.Header.Del(SignatureHeader)
		return req
	}, http.StatusUnauthorized, outcomeUnsigned},
	{"sha-1 signature only", func(push []byte) *http.Request {
		req := delivery("push", "d-sha1", push, testSecret)
		req.Header.Del(SignatureHeader)
		req.Header.Set("X-Hub-Signature", "sha1=8d5fcbf6c50a1e5b7a2f4e6d1c3b9a0f2e4d6c8b")
		return req
	}, http.StatusUnauthorized, outcomeUnsigned},
	{"malformed signature", func(push []byte) *http.Request {
		req := delivery("push", "d-malformed-sig", push, testSecret)
		req.Header.Set(SignatureHeader, "sha256=zz"+strings.Repeat("0", 62))
		return req
	}, http.StatusUnauthorized, outcomeUnsigned},
	{"signature of an empty secret", func(push []byte) *http.Request {
		return delivery("push", "d-empty-secret", push, "")
	}, http.StatusUnauthorized, outcomeUnsigned},
	{"no event header", func(push []byte) *http.Request {
		req := delivery("push", "d-no-event", push, testSecret)
		req.Header.Del(EventHeader)
		return req
	}, http.StatusBadRequest, outcomeBadRequest},
	{"no delivery header", func(push []byte) *http.Request {
		req := delivery("push", "", push, testSecret)
		return req
	}, http.StatusBadRequest, outcomeBadRequest},
	{"delivery id with a slash", func(push []byte) *http.Request {
		return delivery("push", "../../etc", push, testSecret)
	}, http.StatusBadRequest, outcomeBadRequest},
	{"GET", func(push []byte) *http.Request {
		req := delivery("push", "d-get", push, testSecret)
		req.Method = http.MethodGet
		return req
	}, http.StatusMethodNotAllowed, outcomeBadMethod},
	{"plain text", func(push []byte) *http.Request {
		req := delivery("push", "d-text", push, testSecret)
		req.Header.Set("Content-Type", "text/plain")
		return req
	}, http.StatusUnsupportedMediaType, outcomeBadType},
	{"truncated body", func(push []byte) *http.Request {
		return delivery("push", "d-truncated", push[:len(push)/2], testSecret)
	}, http.StatusBadRequest, outcomeBadRequest},
	{"not json", func(push []byte) *http.Request {
		return delivery("push", "d-not-json", []byte("<xml>push</xml>"), testSecret)
	}, http.StatusBadRequest, outcomeBadRequest},
	{"wrong json types", func(push []byte) *http.Request {
		return delivery("push", "d-types", []byte(`{"ref": 5, "commits": "many"}`), testSecret)
	}, http.StatusBadRequest, outcomeBadRequest},
	{"form without payload", func(push []byte) *http.Request {
		req := delivery("push", "d-form", []byte("other=1"), testSecret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}, http.StatusBadRequest, outcomeBadRequest},
	{"form with a broken escape", func(push []byte) *http.Request {
		req := delivery("push", "d-form-escape", []byte("payload=%zz"), testSecret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}, http.StatusBadRequest, outcomeBadRequest},
}

func TestReceiverRefusesBadDeliveries(t *testing.T) {
	push := payload(t, "push.json")
	out := newSink()
	reg := prometheus.NewRegistry()
	r := newTestReceiver(t, testConfig(t, nil), Options{Log: newFakeLog(), Handler: out, Registerer: reg}, true)
	for _, tt := range badDeliveries {
		t.Run(tt.name, func(t *testing.T) {
			before := countOutcome(r, tt.outcome)
			resp := serve(r, tt.req(push))
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, readAll(resp))
			}
			if countOutcome(r, tt.outcome) != before+1 {
				t.Fatalf("not counted as %s", tt.outcome)
			}
		})
	}

	out.none(t)
	if n := testutil.ToFloat64(r.metrics.sigFailures.WithLabelValues("mismatch")); n != 3 {
		t.Errorf("signature mismatches counted %v, want 3", n)
	}
	if n := testutil.ToFloat64(r.metrics.deliveries.WithLabelValues("push", outcomeBadRequest)); n != 7 {
		t.Errorf("bad requests counted %v, want 7", n)
	}
}

func TestReceiverAnswersAMethodWithAllow(t *testing.T) {
	r := newTestReceiver(t, testConfig(t, nil), Options{Log: newFakeLog(), Handler: newSink()}, false)
	req := delivery("push", "d-put", payload(t, "push.json"), testSecret)
	req.Method = http.MethodPut

	resp := serve(r, req)
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestReceiverIgnoresEventTypes(t *testing.T) {
	tests := []struct {
		name  string
		event string
		file  string
	}{
		{"type go-github does not know", "code_widget", "unknown_event.json"},
		{"type the handler does not want", "issues", "issues_opened.json"},
		{"ping", "ping", "ping.json"},
	}

	out := newSink()
	reg := prometheus.NewRegistry()
	opts := Options{Log: newFakeLog(), Handler: out, Registerer: reg,
		Wants: func(t string) bool { return t != "issues" }}
	r := newTestReceiver(t, testConfig(t, nil), opts, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(r, delivery(tt.event, "d-"+tt.event, payload(t, tt.file), testSecret))
			if resp.StatusCode != http.StatusAccepted {
				t.Fatalf("status %d, want 202", resp.StatusCode)
			}
		})
	}

	// An ignored type is still refused when its signature is wrong.
	resp := serve(r, delivery("code_widget", "d-x", payload(t, "unknown_event.json"), "guess"))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned ignored type: status %d, want 401", resp.StatusCode)
	}

	out.none(t)
	if n := testutil.ToFloat64(r.metrics.deliveries.WithLabelValues(eventUnknown, outcomeIgnored)); n != 1 {
		t.Errorf("unknown type counted %v, want 1 under %q", n, eventUnknown)
	}
}

func TestReceiverTakesARotatedSecret(t *testing.T) {
	out := newSink()
	cfg := testConfig(t, func(c *Config) { c.WebhookSecrets = []string{testSecret, rotatedSecret} })
	r := newTestReceiver(t, cfg, Options{Log: newFakeLog(), Handler: out}, true)

	for i, secret := range []string{testSecret, rotatedSecret} {
		id := fmt.Sprintf("d-rotated-%d", i)
		resp := serve(r, delivery("push", id, payload(t, "push.json"), secret))
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("secret %d: status %d", i, resp.StatusCode)
		}
		if e := out.next(t); e.Delivery != id {
			t.Fatalf("handled %s, want %s", e.Delivery, id)
		}
	}
}

func TestReceiverRefusesToStartWithoutSecret(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
	}{
		{"none", nil},
		{"empty", []string{""}},
		{"one of two empty", []string{testSecret, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{WebhookSecrets: tt.secrets}
			cfg.Defaults()
			_, err := NewReceiver(cfg, Options{Log: newFakeLog(), Handler: newSink()})
			if !errors.Is(err, ErrNoSecret) {
				t.Fatalf("got %v, want ErrNoSecret", err)
			}
		})
	}
}

func TestReceiverRefusesAConfigWithoutDefaults(t *testing.T) {
	cfg := Config{WebhookSecrets: []string{testSecret}}
	_, err := NewReceiver(cfg, Options{Log: newFakeLog(), Handler: newSink()})
	if len(ConfigErrors(err)) != 4 {
		t.Fatalf("got %v, want the config's problems", err)
	}
}

func TestReceiverSurvivesAPanickingHandler(t *testing.T) {
	out := newSink()
	calls := 0
	h := HandlerFunc(func(ctx context.Context, e Event) error {
		calls++
		if calls == 1 {
			panic("boom")
		}
		return out.HandleEvent(ctx, e)
	})
	reg := prometheus.NewRegistry()
	r := newTestReceiver(t, testConfig(t, nil), Options{Log: newFakeLog(), Handler: h, Registerer: reg}, true)

	for _, id := range []string{"d-panic", "d-after"} {
		if resp := serve(r, delivery("push", id, payload(t, "push.json"), testSecret)); resp.StatusCode != 202 {
			t.Fatalf("%s: status %d", id, resp.StatusCode)
		}
	}

	if e := out.next(t); e.Delivery != "d-after" {
		t.Fatalf("handled %s", e.Delivery)
	}
	if n := testutil.ToFloat64(r.metrics.handleErrors.WithLabelValues("push")); n != 1 {
		t.Fatalf("handle errors %v, want 1", n)
	}
}

// countOutcome returns the deliveries of push or an unknown type counted
// with outcome.
func countOutcome(r *Receiver, outcome string) float64 {
	return testutil.ToFloat64(r.metrics.deliveries.WithLabelValues("push", outcome)) +
		testutil.ToFloat64(r.metrics.deliveries.WithLabelValues(eventUnknown, outcome))
}

func readAll(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return strings.TrimSpace(string(b))
}
