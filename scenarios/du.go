package scenarios

import (
	"context"
	"flag"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// The concurrent du of section 8.8 (the book's third version): a walkDir
// goroutine per directory sends the size of every file on fileSizes, a
// WaitGroup counts the walkers and closes fileSizes after the last, and a
// counting semaphore, sema, bounds how many directories are open at once.
// The main goroutine totals the sizes; with -v it also selects on a
// ticker and prints running totals.
//
// Left out on purpose: the book's several roots; du walks one directory,
// a tree it generates in a temporary directory (removed at the end) or
// -path. -delay makes each directory slow to read, as on a busy disk, so
// that the semaphore fills and the walk lasts long enough to watch.
// Cancellation with a done channel is section 8.9's (du-cancel): here the
// walkers only skip their work, without a channel, once ctx is cancelled.
func init() {
	register(Scenario{
		Name:    "du",
		Section: "8.8",
		Summary: "a walker goroutine per directory, a WaitGroup and a semaphore",
		Setup: func(fs *flag.FlagSet) Main {
			f := declareDuFlags(fs)
			return func(ctx context.Context, out io.Writer) error {
				if err := f.check("du"); err != nil {
					return err
				}
				return f.walk(ctx, "du", out, func(d *disk, root string, out io.Writer) error {
					// Walk the tree, one goroutine per directory.
					fileSizes := probe.NewChan[int64]("fileSizes", 0)
					var n sync.WaitGroup
					n.Add(1)
					go walkDir(ctx, d, root, &n, fileSizes)
					go closeWhenWalked(&n, fileSizes)

					// Total the sizes until fileSizes is closed, printing the
					// totals so far at every tick.
					var nfiles, nbytes int64
					walking := true
					cases := []probe.Case{fileSizes.RecvCase(func(size int64, ok bool) {
						if !ok {
							walking = false
							return
						}
						nfiles++
						nbytes += size
					})}
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
					printDiskUsage(out, nfiles, nbytes)
					return nil
				})
			}
		},
	})
}

// walkDir sends the size of each file in dir on fileSizes and starts a
// walker for each subdirectory, counting it in n. Once ctx is cancelled it
// returns without reading dir.
func walkDir(ctx context.Context, d *disk, dir string, n *sync.WaitGroup,
	fileSizes probe.Sender[int64]) {
	defer n.Done()
	if ctx.Err() != nil {
		return
	}
	for _, entry := range dirents(ctx, d, dir) {
		if entry.IsDir() {
			n.Add(1)
			go walkDir(ctx, d, filepath.Join(dir, entry.Name()), n, fileSizes)
		} else {
			fileSizes.Send(entry.Size())
		}
	}
}

// dirents returns the entries of dir, holding a token of sema while the
// directory is open.
func dirents(ctx context.Context, d *disk, dir string) []fs.FileInfo {
	d.sema.Send(struct{}{}) // acquire a token
	defer d.sema.Recv()     // release it
	if ctx.Err() != nil {
		return nil
	}
	return d.read(dir)
}
