package github

import (
	"bytes"
	"fmt"

	gh "github.com/google/go-github/v62/github"
)

// ParseDelivery turns a delivery that a DeliveryLog kept with its body
// back into the event the receiver handed on, so that a handler can
// finish, after a restart, what a crash interrupted. The body is the one
// GitHub signed: JSON, or the form with a payload field. The error wraps
// ErrMalformed when the body cannot be read as the delivery's event.
func ParseDelivery(d Delivery) (Event, error) {
	media := contentJSON
	if !bytes.HasPrefix(bytes.TrimLeft(d.Body, " \t\r\n"), []byte("{")) {
		media = contentForm
	}

	payload, err := payloadOf(media, d.Body)
	if err != nil {
		return Event{}, fmt.Errorf("replay delivery %s: %w", d.ID, err)
	}
	parsed, err := gh.ParseWebHook(d.Event, payload)
	if err != nil {
		return Event{}, fmt.Errorf("replay delivery %s: %w: %s payload: %w", d.ID, ErrMalformed, d.Event, err)
	}
	return Event{Type: d.Event, Delivery: d.ID, Received: d.Received, Payload: parsed}, nil
}
