package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// runner is one long-lived part of gordon. run returns when ctx ends,
// with nil, or earlier with the error that stopped it.
type runner struct {
	name string
	run  func(ctx context.Context) error
}

// runAll runs every part until ctx ends or one of them fails; a failure
// stops the others. It returns once all have returned, with the first
// failure.
func runAll(ctx context.Context, log *slog.Logger, runners ...runner) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := r.run(ctx)
			if err == nil && ctx.Err() == nil {
				err = fmt.Errorf("stopped by itself")
			}
			if err != nil && ctx.Err() == nil {
				log.Error("gordon part failed", keyPart, r.name, keyError, err)
				once.Do(func() { first = fmt.Errorf("%s: %w", r.name, err) })
				cancel()
			}
		}()
	}
	wg.Wait()
	return first
}
