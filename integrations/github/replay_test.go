package github

import (
	"errors"
	"net/url"
	"testing"
	"time"

	gh "github.com/google/go-github/v62/github"
)

func TestParseDelivery(t *testing.T) {
	body := payload(t, "pull_request_opened.json")
	received := time.Date(2015, 6, 22, 9, 30, 13, 0, time.UTC)
	tests := []struct {
		name string
		body []byte
	}{
		{"json", body},
		{"form", []byte("payload=" + url.QueryEscape(string(body)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseDelivery(Delivery{ID: "d-1", Event: "pull_request", Received: received, Body: tt.body})
			if err != nil {
				t.Fatalf("ParseDelivery: %v", err)
			}
			pr, ok := ev.Payload.(*gh.PullRequestEvent)
			if !ok || pr.GetNumber() != 14021 || ev.Delivery != "d-1" || !ev.Received.Equal(received) {
				t.Fatalf("event %+v", ev)
			}
		})
	}
}

func TestParseDeliveryRefusesGarbage(t *testing.T) {
	_, err := ParseDelivery(Delivery{ID: "d-2", Event: "pull_request", Body: []byte("{not json")})
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v, want ErrMalformed", err)
	}
}
