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

// The rocket countdown of section 8.7: the main goroutine counts down once
// a tick and, in each step, selects between the next tick of a time.Ticker
// and a receive on abort, so that pressing return stops the launch. The
// ticker is stopped on both ways out, as the book advises instead of
// time.Tick, whose ticker would tick on for ever.
//
// Left out on purpose: the terminal. A scripted user, pressReturn, sends on
// abort -abort-after ticks (and half a tick) into the countdown, standing
// in for the book's goroutine that reads standard input; with -abort-after
// -1 nobody presses return and the rocket is launched. The select has a
// third case the book's has not, on ctx.Done(), and so has pressReturn's
// send: they are the scenario's way to stop early when its context is
// cancelled, and let a press that comes after the launch go unheard
// instead of blocking for ever. Unless the rocket left, Main waits for
// pressReturn to return: the book's program would exit at once, but then
// the trace could stop before the user's side of the abort is written.
func init() {
	register(Scenario{
		Name:    "countdown",
		Section: "8.7",
		Summary: "a countdown selects between a ticker and an abort",
		Setup: func(fs *flag.FlagSet) Main {
			n := fs.Int("n", 10, "count down from n")
			tick := fs.Duration("tick", 150*time.Millisecond, "time between two counts")
			after := fs.Int("abort-after", 6, "press return after this many ticks; -1 never")
			return func(ctx context.Context, out io.Writer) error {
				switch {
				case *n < 1:
					return fmt.Errorf("countdown: -n must be at least 1")
				case *tick <= 0:
					return fmt.Errorf("countdown: -tick must be positive")
				case *after < -1 || *after >= *n:
					return fmt.Errorf("countdown: -abort-after must be -1 or less than -n")
				}
				abort := probe.NewChan[struct{}]("abort", 0)
				var user sync.WaitGroup
				if *after >= 0 {
					user.Add(1)
					delay := time.Duration(*after)**tick + *tick/2
					go pressReturn(ctx, abort, delay, &user)
				}

				// Unless the rocket left, the user has pressed return or
				// given up, and is about to return.
				if !countdown(ctx, out, *n, *tick, abort) {
					user.Wait()
				}
				return nil
			}
		},
	})
}

// countdown prints n, n-1, ... 1, one a tick, and launches unless a value
// arrives on abort first; it reports whether it launched.
func countdown(ctx context.Context, out io.Writer, n int, tick time.Duration,
	abort probe.Receiver[struct{}]) (launched bool) {
	fmt.Fprintln(out, "Counting down. Press return to abort.")
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	for count := n; count > 0; count-- {
		fmt.Fprintln(out, count)
		switch probe.Select(
			probe.RecvCase("tick", ticker.C, nil),
			abort.RecvCase(nil),
			probe.RecvCase("ctx.Done", ctx.Done(), nil),
		) {
		case 1:
			fmt.Fprintln(out, "Launch aborted.")
			return false
		case 2:
			return false
		}
	}
	launch(out)
	return true
}

// launch is the rocket leaving the pad.
func launch(out io.Writer) {
	fmt.Fprintln(out, "Lift off!")
}

// pressReturn is the scripted user: after delay it sends on abort, unless
// ctx is done first or while nobody is listening any more. It calls
// user.Done when it returns.
func pressReturn(ctx context.Context, abort probe.Sender[struct{}], delay time.Duration,
	user *sync.WaitGroup) {
	defer user.Done()
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return
	}
	probe.Select(
		abort.SendCase(struct{}{}, nil),
		probe.RecvCase("ctx.Done", ctx.Done(), nil),
	)
}
