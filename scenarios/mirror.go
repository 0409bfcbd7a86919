package scenarios

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// mirror is one simulated mirror of a service: a host and how long it takes
// to answer.
type mirror struct {
	host    string
	latency time.Duration
}

// The mirroredQuery of section 8.4.4: the same request goes to three
// mirrors at once, each from its own goroutine, and the quickest response
// wins. The responses channel has room for all three, so the two slower
// goroutines can still send their unwanted answers and end.
//
// With -leaky the channel is unbuffered, the bug the book warns of: nobody
// receives the two slower answers, so their goroutines stay blocked in a
// send on responses for good, and the replay reports both leaks.
//
// Left out on purpose: the network. A mirror is a sleep of its -asia,
// -europe or -americas latency. The book's program moves on once it has
// the first answer; this one waits, on a WaitGroup the book has not, until
// every mirror has answered, so that the trace shows what became of the
// other responses. Once the context is cancelled, which package probe does
// after the trace stops, the answers nobody wanted are drained, which
// releases the leaked senders.
func init() {
	register(Scenario{
		Name:    "mirror",
		Section: "8.4.4",
		Summary: "three mirrors answer on a buffered channel; the quickest wins",
		Setup: func(fs *flag.FlagSet) Main {
			asia := fs.Duration("asia", 500*time.Millisecond, "latency of asia.gopl.io")
			europe := fs.Duration("europe", 200*time.Millisecond, "latency of europe.gopl.io")
			americas := fs.Duration("americas", 900*time.Millisecond,
				"latency of americas.gopl.io")
			leaky := fs.Bool("leaky", false, "make responses unbuffered, leaking the slower senders")
			return func(ctx context.Context, out io.Writer) error {
				mirrors := []mirror{
					{"asia.gopl.io", *asia},
					{"europe.gopl.io", *europe},
					{"americas.gopl.io", *americas},
				}
				for _, m := range mirrors {
					if m.latency < 0 {
						return fmt.Errorf("mirror: latency of %s must not be negative", m.host)
					}
				}
				capacity := len(mirrors)
				if *leaky {
					capacity = 0
				}
				var answered sync.WaitGroup
				fmt.Fprintln(out, mirroredQuery(ctx, mirrors, capacity, &answered))

				// Wait for the slower mirrors too, and a moment more for
				// their sends to finish or block, so the trace shows them.
				answered.Wait()
				settle := time.NewTimer(50 * time.Millisecond)
				defer settle.Stop()
				select {
				case <-settle.C:
				case <-ctx.Done():
				}
				return nil
			}
		},
	})
}

// mirroredQuery asks every mirror at once and returns the first response.
// Each mirror calls answered.Done once it has its response, before it
// sends it.
func mirroredQuery(ctx context.Context, mirrors []mirror, capacity int,
	answered *sync.WaitGroup) string {
	responses := probe.NewChan[string]("responses", capacity)
	for _, m := range mirrors {
		answered.Add(1)
		go queryMirror(ctx, responses, m, answered)
	}
	first, _ := responses.Recv() // the quickest response

	// Not the book's: once ctx is done, take the responses nobody wanted,
	// so that no sender stays blocked after the trace has recorded it.
	context.AfterFunc(ctx, func() {
		for range len(mirrors) - 1 {
			responses.Recv()
		}
	})
	return first
}

// queryMirror sends m's response on responses. It blocks until someone
// receives it unless the channel has room.
func queryMirror(ctx context.Context, responses probe.Sender[string], m mirror,
	answered *sync.WaitGroup) {
	r := mirrorRequest(ctx, m)
	answered.Done()
	responses.Send(r)
}

// mirrorRequest simulates a request to m: it answers after m's latency, or at
// once when ctx is done.
func mirrorRequest(ctx context.Context, m mirror) string {
	t := time.NewTimer(m.latency)
	defer t.Stop()
	select {
	case <-t.C:
		return "response from " + m.host
	case <-ctx.Done():
		return "no response from " + m.host
	}
}
