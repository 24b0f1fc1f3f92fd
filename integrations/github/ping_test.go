package github

import (
	"context"
	"net/http/httptest"
	"testing"
)

func TestPing(t *testing.T) {
	r := newAPIRig(t, "", nil)
	ctx := context.Background()

	if err := r.c.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	reqs := r.api.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/rate_limit" {
		t.Fatalf("Ping sent %+v, want one GET /rate_limit", reqs)
	}

	// GitHub gone: Ping says so.
	srv := httptest.NewServer(r.api)
	srv.Close()
	down, err := NewClient(Config{APIURL: srv.URL + "/", Token: testToken}, APIOptions{WriteGap: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := down.Ping(ctx); err == nil {
		t.Fatal("Ping of a closed server passed")
	}
}
