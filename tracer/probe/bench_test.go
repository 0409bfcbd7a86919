package probe

import (
	"context"
	"io"
	"runtime/trace"
	"testing"
)

// The benchmarks compare an unbuffered handoff on a plain channel with one
// on a probe channel, with tracing off and on:
//
//	go test -run '^$' -bench Handoff ./tracer/probe

func BenchmarkHandoff(b *testing.B) {
	for _, tracing := range []bool{false, true} {
		name := "off"
		if tracing {
			name = "on"
		}
		b.Run("plain/tracing="+name, func(b *testing.B) {
			withTracing(b, tracing, func() {
				c := make(chan int)
				go func() {
					for range c {
					}
				}()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					c <- i
				}
				close(c)
			})
		})
		b.Run("probe/tracing="+name, func(b *testing.B) {
			withTracing(b, tracing, func() {
				c := NewChan[int]("bench", 0)
				done := make(chan struct{})
				go func() {
					for range c.All() {
					}
					close(done)
				}()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					c.Send(i)
				}
				c.Close()
				<-done
			})
		})
	}
}

func withTracing(b *testing.B, on bool, fn func()) {
	if !on {
		fn()
		return
	}
	if err := trace.Start(io.Discard); err != nil {
		b.Fatal(err)
	}
	defer trace.Stop()
	fn()
}

// TestRecordReleases checks that Record cancels the function's context once
// the trace has stopped, so deliberately blocked goroutines can end.
func TestRecordReleases(t *testing.T) {
	released := make(chan struct{})
	err := Record(context.Background(), io.Discard, func(ctx context.Context) error {
		go func() {
			<-ctx.Done()
			close(released)
		}()
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-released
	if trace.IsEnabled() {
		t.Error("tracing is still on after Record returned")
	}
}
