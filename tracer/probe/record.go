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
//
// Record ends a generation of the trace every GenerationBytes it writes:
// see RecordWith.
func Record(ctx context.Context, w io.Writer, fn func(context.Context) error, expired func()) error {
	return RecordWith(ctx, w, fn, RecordOptions{Expired: expired})
}

// GenerationBytes is how much trace Record lets the runtime write before
// it ends a generation of the trace, if the runtime has not: about 30,000
// events of the probe.
const GenerationBytes = 1 << 20

// RecordOptions adjust RecordWith.
type RecordOptions struct {
	// Expired, if not nil, is called when fn outlives its context by
	// Grace: see Record.
	Expired func()

	// GenerationBytes is how much trace may be written before a
	// generation ends: 0 is the package's GenerationBytes, and less than
	// 0 leaves generations to the runtime, which ends one a second.
	//
	// A trace is read a generation at a time, and its reader holds the
	// generation whole, about 40 bytes an event: a trace of a few long
	// generations takes several times its size in memory to read, and
	// cannot be read in parts at once. Record ends generations through a
	// flight recorder (there can be only one in a program), which it runs
	// beside the trace. It does without when it cannot start one.
	GenerationBytes int64
}

// RecordWith is Record with options.
func RecordWith(ctx context.Context, w io.Writer, fn func(context.Context) error, o RecordOptions) error {
	expired := o.Expired
	every := o.GenerationBytes
	if every == 0 {
		every = GenerationBytes
	}
	cw := &cuttingWriter{w: w, every: every, next: every, cut: make(chan struct{}, 1)}
	if err := trace.Start(cw); err != nil {
		return fmt.Errorf("probe: start trace: %w", err)
	}
	endCutting := cw.start(every > 0)
	var stopOnce sync.Once
	stop := func() {
		stopOnce.Do(func() {
			endCutting()
			trace.Stop()
		})
	}

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

// cuttingWriter writes the trace to w and asks for a new generation every
// so many bytes.
type cuttingWriter struct {
	w     io.Writer
	every int64
	n     int64         // bytes written; only the runtime's writer touches it
	next  int64         // n at which to ask for the next generation
	cut   chan struct{} // the asks, at most one waiting
}

func (c *cuttingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if c.n += int64(n); c.every > 0 && c.n >= c.next {
		c.next = c.n + c.every
		select {
		case c.cut <- struct{}{}:
		default:
		}
	}
	return n, err
}

// start starts, if on, a flight recorder and a goroutine that ends a
// generation at each ask. It returns the function that stops them.
func (c *cuttingWriter) start(on bool) (stop func()) {
	if !on {
		return func() {}
	}
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MaxBytes: uint64(c.every)})
	if fr.Start() != nil {
		return func() {}
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			case <-c.cut:
				// Writing the flight recorder's window ends the
				// generation, in the trace too.
				fr.WriteTo(io.Discard)
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		fr.Stop()
	}
}
