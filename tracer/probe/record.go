package probe

import (
	"context"
	"fmt"
	"io"
	"runtime/trace"
	"sync"
	"time"
)

// Grace is how long Record lets a function run on after its context was
// cancelled before it stops the trace without it.
const Grace = 500 * time.Millisecond

// Record runs fn on the calling goroutine under runtime/trace, writing the
// trace to w, and returns fn's error.
//
// fn's context is cancelled when ctx is done and again after the trace has
// stopped, so that goroutines a function leaves blocked on purpose (a leak
// to be seen in the trace) can be released once they have been recorded.
//
// If fn has not returned Grace after ctx is done, Record stops the trace
// from another goroutine, so that the trace is complete up to that moment,
// and calls expired there. In a program, expired should end the process:
// fn is stuck, and Record cannot return until it does.
func Record(ctx context.Context, w io.Writer, fn func(context.Context) error, expired func()) error {
	if err := trace.Start(w); err != nil {
		return fmt.Errorf("probe: start trace: %w", err)
	}
	var stopOnce sync.Once
	stop := func() { stopOnce.Do(trace.Stop) }

	// The watchdog stops the trace if fn outlives ctx by more than Grace;
	// it ends when fn returns.
	runCtx, cancel := context.WithCancel(ctx)
	returned := make(chan struct{})
	watchdog := make(chan struct{})
	go func() {
		defer close(watchdog)
		select {
		case <-returned:
			return
		case <-ctx.Done():
		}
		t := time.NewTimer(Grace)
		defer t.Stop()
		select {
		case <-returned:
		case <-t.C:
			stop()
			if expired != nil {
				expired()
			}
		}
	}()

	logf([]byte("begin"))
	err := fn(runCtx)
	logf([]byte("end"))
	close(returned)
	<-watchdog
	stop()
	cancel()
	return err
}
