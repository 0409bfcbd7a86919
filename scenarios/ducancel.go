package scenarios

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// The du of section 8.9, which can be cancelled: closing done tells every
// goroutine at once to stop, since a receive from a closed channel never
// blocks. Each walker polls done before it reads its directory (the book's
// cancelled, a select with a default case) and selects on done while it
// waits for a token of sema; the main loop selects on done too and, once
// it is closed, drains fileSizes until the last walker has finished and
// closeWhenWalked has closed it, so that no walker is left blocked in a
// send.
//
// Left out on purpose: the book's keypress on stdin; cancelAfter closes
// done when -cancel-after has passed (or ctx ends). The book's program
// then exits silently or panics to dump the stacks; here it prints the
// totals counted before the cancellation. Like du, it walks a generated
// tree or -path, and -delay makes the directories slow to read so that
// the cancellation comes midway.
func init() {
	register(Scenario{
		Name:    "du-cancel",
		Section: "8.9",
		Summary: "du cancelled by closing done: every walker polls it and stops",
		Setup: func(fs *flag.FlagSet) Main {
			f := declareDuFlags(fs)
			after := fs.Duration("cancel-after", 700*time.Millisecond, "close done after this long")
			return func(ctx context.Context, out io.Writer) error {
				if err := f.check("du-cancel"); err != nil {
					return err
				}
				if *after < 0 {
					return fmt.Errorf("du-cancel: -cancel-after must not be negative")
				}
				return f.walk(ctx, "du-cancel", out, func(d *disk, root string, out io.Writer) error {
					// Start the canceller. Once the walk is over, stop it if
					// it has not fired yet, and wait until it has closed done.
					done := probe.NewChan[struct{}]("done", 0)
					cctx, stop := context.WithCancel(ctx)
					go cancelAfter(cctx, *after, done)
					defer done.Recv()
					defer stop()

					// Walk the tree, one goroutine per directory.
					fileSizes := probe.NewChan[int64]("fileSizes", 0)
					var n sync.WaitGroup
					n.Add(1)
					go walkDirUntilDone(d, root, &n, done, fileSizes)
					go closeWhenWalked(&n, fileSizes)

					// Total the sizes until fileSizes is closed or done is.
					var nfiles, nbytes int64
					walking, interrupted := true, false
					cases := []probe.Case{
						done.RecvCase(func(struct{}, bool) { walking, interrupted = false, true }),
						fileSizes.RecvCase(func(size int64, ok bool) {
							if !ok {
								walking = false
								return
							}
							nfiles++
							nbytes += size
						}),
					}
					if f.verbose {
						ticker := time.NewTicker(f.tick)
						defer ticker.Stop()
						cases = append(cases, probe.RecvCase("tick", ticker.C, func(time.Time, bool) {
							printDiskUsage(out, nfiles, nbytes)
						}))
					}
					for walking {
						probe.Select(cases...)
					}
					if interrupted {
						// Let the walkers still sending finish: drain
						// fileSizes until the last of them has ended.
						for range fileSizes.All() {
						}
					}
					printDiskUsage(out, nfiles, nbytes)
					if interrupted {
						fmt.Fprintln(out, "du: cancelled")
					}
					return nil
				})
			}
		},
	})
}

// cancelAfter closes done once d has passed or ctx is done, whichever
// comes first, as the book's goroutine does when a key is pressed.
func cancelAfter(ctx context.Context, d time.Duration, done probe.Sender[struct{}]) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	done.Close()
}

// cancelled polls done without blocking.
func cancelled(done *probe.Chan[struct{}]) bool {
	return probe.Select(done.RecvCase(nil), probe.Default(nil)) == 0
}

// walkDirUntilDone is walkDir with cancellation: it returns at once if done
// is closed, and otherwise sends the size of each file in dir on fileSizes
// and starts a walker for each subdirectory, counting it in n.
func walkDirUntilDone(d *disk, dir string, n *sync.WaitGroup, done *probe.Chan[struct{}],
	fileSizes probe.Sender[int64]) {
	defer n.Done()
	if cancelled(done) {
		return
	}
	for _, entry := range direntsUntilDone(d, dir, done) {
		if entry.IsDir() {
			n.Add(1)
			go walkDirUntilDone(d, filepath.Join(dir, entry.Name()), n, done, fileSizes)
		} else {
			fileSizes.Send(entry.Size())
		}
	}
}

// direntsUntilDone returns the entries of dir, holding a token of sema
// while the directory is open; it returns none if done is closed while it
// waits for the token.
func direntsUntilDone(d *disk, dir string, done *probe.Chan[struct{}]) []fs.FileInfo {
	if probe.Select(d.sema.SendCase(struct{}{}, nil), done.RecvCase(nil)) == 1 {
		return nil // cancelled
	}
	defer d.sema.Recv() // release the token
	return d.read(dir)
}
