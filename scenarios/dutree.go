package scenarios

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// This file holds what du and du-cancel share: their flags, the directory
// tree they walk, and the few lines of their programs that do not change
// between sections 8.8 and 8.9.

// maxTreeEntries bounds the files and directories of a generated tree, so
// that a typo in a flag cannot fill a disk with inodes.
const maxTreeEntries = 200_000

// duFlags are the flags du and du-cancel share.
type duFlags struct {
	path                       string
	depth, fanout, files, open int
	delay, tick                time.Duration
	verbose                    bool
}

// declareDuFlags declares the shared flags on fs.
func declareDuFlags(fs *flag.FlagSet) *duFlags {
	f := new(duFlags)
	fs.StringVar(&f.path, "path", "",
		"walk this directory instead of a generated tree (never removed)")
	fs.IntVar(&f.depth, "depth", 3, "levels of subdirectories in the generated tree")
	fs.IntVar(&f.fanout, "fanout", 4, "subdirectories in each directory of the generated tree")
	fs.IntVar(&f.files, "files", 4, "files in each directory of the generated tree")
	fs.IntVar(&f.open, "open", 20, "capacity of sema: directories open at once")
	fs.DurationVar(&f.delay, "delay", 150*time.Millisecond,
		"pause while reading each directory, as on a slow disk")
	fs.BoolVar(&f.verbose, "v", false, "print running totals from a ticker")
	fs.DurationVar(&f.tick, "tick", 200*time.Millisecond, "interval of the -v ticker")
	return f
}

// check validates the flags; name prefixes its errors.
func (f *duFlags) check(name string) error {
	switch {
	case f.depth < 0 || f.fanout < 0 || f.files < 0:
		return fmt.Errorf("%s: -depth, -fanout and -files must not be negative", name)
	case f.open < 1:
		return fmt.Errorf("%s: -open must be at least 1", name)
	case f.delay < 0:
		return fmt.Errorf("%s: -delay must not be negative", name)
	case f.tick <= 0:
		return fmt.Errorf("%s: -tick must be positive", name)
	case f.path == "" && treeEntries(f.depth, f.fanout, f.files) > maxTreeEntries:
		return fmt.Errorf("%s: a tree of -depth %d, -fanout %d, -files %d is over %d entries",
			name, f.depth, f.fanout, f.files, maxTreeEntries)
	}
	return nil
}

// treeEntries returns how many files and directories makeTree makes for
// its arguments, or maxTreeEntries+1 as soon as the count passes
// maxTreeEntries.
func treeEntries(depth, fanout, files int) int {
	const over = maxTreeEntries + 1
	if fanout > maxTreeEntries || files > maxTreeEntries {
		return over
	}
	dirs, level := 1, 1
	for i := 0; i < depth && level > 0; i++ {
		level *= fanout
		dirs += level
		if dirs > maxTreeEntries {
			return over
		}
	}
	return min(dirs*(files+1), over)
}

// root returns the directory to walk: -path as given, or a tree generated
// in a new temporary directory. remove deletes the generated tree and does
// nothing for -path. An error from ctx means the tree was not finished.
func (f *duFlags) root(ctx context.Context) (dir string, remove func() error, err error) {
	if f.path != "" {
		info, err := os.Stat(f.path)
		if err != nil {
			return "", nil, fmt.Errorf("-path: %w", err)
		}
		if !info.IsDir() {
			return "", nil, fmt.Errorf("-path %s: not a directory", f.path)
		}
		return f.path, func() error { return nil }, nil
	}

	dir, err = os.MkdirTemp("", "gocspviz-du-")
	if err != nil {
		return "", nil, fmt.Errorf("make tree: %w", err)
	}
	remove = func() error { return os.RemoveAll(dir) }
	var n int64
	if err := makeTree(ctx, dir, f.depth, f.fanout, f.files, &n); err != nil {
		return "", nil, errors.Join(fmt.Errorf("make tree: %w", err), remove())
	}
	return dir, remove, nil
}

// walk runs a du scenario called name: it finds or makes the tree to walk,
// calls fn with the disk and the tree's root, and then removes a tree it
// made. Output goes through a writer that many walkers may share. A tree
// that could not be made because ctx was cancelled is no error.
func (f *duFlags) walk(ctx context.Context, name string, out io.Writer,
	fn func(d *disk, root string, out io.Writer) error) (err error) {
	root, remove, err := f.root(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	defer func() {
		if rerr := remove(); rerr != nil && err == nil {
			err = fmt.Errorf("%s: remove tree: %w", name, rerr)
		}
	}()
	out = &lockedWriter{w: out}
	d := &disk{sema: probe.NewChan[struct{}]("sema", f.open), delay: f.delay, errs: out}
	return fn(d, root, out)
}

// makeTree writes files files into dir and, if depth > 0, fanout
// subdirectories holding trees one level less deep. The files are sparse,
// so quick to write; their sizes follow a fixed pattern over the files
// written so far, counted in *n, so that two trees of the same shape have
// the same sizes.
func makeTree(ctx context.Context, dir string, depth, fanout, files int, n *int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := range files {
		*n++
		size := 512 * (1 + *n%64)
		f, err := os.Create(filepath.Join(dir, "f"+strconv.Itoa(i)))
		if err != nil {
			return err
		}
		err = f.Truncate(size)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if depth == 0 {
		return nil
	}
	for i := range fanout {
		sub := filepath.Join(dir, "d"+strconv.Itoa(i))
		if err := os.Mkdir(sub, 0o755); err != nil {
			return err
		}
		if err := makeTree(ctx, sub, depth-1, fanout, files, n); err != nil {
			return err
		}
	}
	return nil
}

// disk is what every walker of one run shares. The book keeps sema in a
// package variable; here a scenario may run more than once in a process.
type disk struct {
	sema  *probe.Chan[struct{}] // a token for each open directory
	delay time.Duration         // how long reading a directory takes
	errs  io.Writer             // where "du: ..." goes; safe for many goroutines
}

// read returns the entries of dir, as the book's ioutil.ReadDir did, after
// the pause of a slow disk. A caller holds a token of sema. It reports an
// error on d.errs and returns what it could read.
func (d *disk) read(dir string) []fs.FileInfo {
	time.Sleep(d.delay)
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Fprintf(d.errs, "du: %v\n", err)
	}
	infos := make([]fs.FileInfo, 0, len(entries))
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			fmt.Fprintf(d.errs, "du: %v\n", err)
			continue
		}
		infos = append(infos, info)
	}
	return infos
}

// closeWhenWalked closes fileSizes once every walker counted by n has
// finished, so that the main loop's receive sees the end.
func closeWhenWalked(n *sync.WaitGroup, fileSizes probe.Sender[int64]) {
	n.Wait()
	fileSizes.Close()
}

// printDiskUsage prints running or final totals. The book prints
// gigabytes; a generated tree is smaller, and tests read the exact bytes.
func printDiskUsage(out io.Writer, nfiles, nbytes int64) {
	fmt.Fprintf(out, "%d files  %d bytes  %.1f MB\n", nfiles, nbytes, float64(nbytes)/1e6)
}
