package github

import (
	"context"
	"errors"
	"time"
)

// Event is one delivery, verified and parsed.
type Event struct {
	// Type is the X-GitHub-Event header, such as "push" or
	// "pull_request".
	Type string

	// Delivery is the X-GitHub-Delivery GUID, the same for a
	// redelivery.
	Delivery string

	// HookID is the X-GitHub-Hook-ID header, when GitHub sent one.
	HookID string

	// Received is when the receiver started reading the delivery.
	Received time.Time

	// Payload is go-github's typed event for Type, such as
	// *github.PushEvent or *github.PullRequestEvent from
	// github.com/google/go-github/v62/github.
	Payload any
}

// EventHandler takes the events the receiver has accepted. The receiver
// calls HandleEvent from its worker goroutines, with a context that ends
// after a bounded time, and recovers a panic in it. The error is logged
// and counted; the delivery is not retried, since GitHub has already
// been told it was taken.
type EventHandler interface {
	HandleEvent(ctx context.Context, e Event) error
}

// HandlerFunc adapts a function to EventHandler.
type HandlerFunc func(ctx context.Context, e Event) error

var _ EventHandler = HandlerFunc(nil)

// HandleEvent calls f.
func (f HandlerFunc) HandleEvent(ctx context.Context, e Event) error {
	return f(ctx, e)
}

// Handlers hands each event to every handler in order, so that the
// announcer and a handler that acts can both see it. Its error joins the
// errors of all of them.
type Handlers []EventHandler

var _ EventHandler = Handlers(nil)

// HandleEvent calls every handler, even after one fails.
func (hs Handlers) HandleEvent(ctx context.Context, e Event) error {
	var errs []error
	for _, h := range hs {
		errs = append(errs, h.HandleEvent(ctx, e))
	}
	return errors.Join(errs...)
}
