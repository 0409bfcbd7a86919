package scenarios

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// The pipeline of sections 8.4.2 and 8.4.3: a counter sends the naturals to
// a squarer, which sends their squares to a printer. Each stage takes its
// channels with the direction it uses, as the book's unidirectional types
// do, and the counter and squarer close their output when done.
//
// Left out on purpose: the book's endless first version; -n bounds the
// count. -buffer gives both channels a capacity, to compare the picture of
// a buffered pipeline with the unbuffered one. The printer stops early when
// the context is cancelled, draining squares so that no stage is left
// blocked.
func init() {
	register(Scenario{
		Name:    "pipeline",
		Section: "8.4.2",
		Summary: "counter -> squarer -> printer over unbuffered channels",
		Setup: func(fs *flag.FlagSet) Main {
			n := fs.Int("n", 10, "how many numbers to send: 0..n-1")
			buffer := fs.Int("buffer", 0, "capacity of naturals and squares")
			return func(ctx context.Context, out io.Writer) error {
				if *n < 0 || *buffer < 0 {
					return fmt.Errorf("pipeline: -n and -buffer must not be negative")
				}
				naturals := probe.NewChan[int]("naturals", *buffer)
				squares := probe.NewChan[int]("squares", *buffer)
				go counter(ctx, naturals, *n)
				go squarer(squares, naturals)
				printer(out, squares)
				return nil
			}
		},
	})
}

// counter sends 0..n-1 on out, then closes it; it stops early when ctx is
// cancelled.
func counter(ctx context.Context, out probe.Sender[int], n int) {
	defer out.Close()
	for x := 0; x < n && ctx.Err() == nil; x++ {
		out.Send(x)
	}
}

// squarer sends the square of every value it receives, and closes out when
// in is closed.
func squarer(out probe.Sender[int], in probe.Receiver[int]) {
	for x := range in.All() {
		out.Send(x * x)
	}
	out.Close()
}

// printer prints every value until in is closed.
func printer(out io.Writer, in probe.Receiver[int]) {
	for x := range in.All() {
		fmt.Fprintln(out, x)
	}
}
