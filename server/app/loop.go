package app

import (
	"context"
	"time"
)

// every runs run in the background once the store is ready, then every period (or,
// after an error, retry; 0: period) and whenever kick fires (nil: never), until ctx
// ends; with once set it stops after the first run without an error. Close waits for
// a run in progress to return. An error is logged under name unless the loop is
// stopping.
func (s *Services) every(ctx context.Context, name string, period, retry time.Duration, once bool, kick <-chan struct{}, run func(context.Context) error) {
	if retry <= 0 {
		retry = period
	}
	s.loops.Add(1)
	go func() {
		defer s.loops.Done()
		if err := s.DB.WaitReady(ctx); err != nil {
			return
		}
		for {
			wait := period
			if err := run(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				s.Log.Error(name, "err", err)
				wait = retry
			} else if once {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			case <-kick:
			}
		}
	}()
}

// kick makes a loop waiting on c run now; a kick while one is pending is dropped.
func kick(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
