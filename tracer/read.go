package tracer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	xtrace "golang.org/x/exp/trace"
)

// ErrBroken is wrapped by the errors Read returns for input that is not a
// readable Go execution trace, as opposed to a failure to read the input.
var ErrBroken = errors.New("broken trace")

// BrokenError is the error Read returns for a trace that is damaged after
// it began: cut short, as a trace is when the traced program crashes, or
// corrupt somewhere in the middle. It wraps ErrBroken and the reader's own
// error.
type BrokenError struct {
	// Events counts the events read before the damage, as Timeline.Events
	// counts them.
	Events int

	// Partial is the timeline of those events, or nil when they are only
	// the marks that begin a generation, as they are when the damage lies
	// in the first. It has no findings: a trace cut short does not show
	// what stayed blocked until the program's end.
	Partial *Timeline

	// Truncated reports that the input ended in the middle of a
	// generation, as it does when the traced program crashed or the
	// download of a trace was cut off.
	Truncated bool

	// Err is what the trace reader found, possibly over several lines.
	Err error
}

func (e *BrokenError) Error() string {
	what := "damaged"
	if e.Truncated {
		what = "cut short"
	}
	if e.Partial != nil {
		what += " after " + strconv.Itoa(e.Events) + " events"
	}
	return fmt.Sprintf("tracer: %v: %s: %s", ErrBroken, what, oneLine(e.Err))
}

// Unwrap returns ErrBroken and the reader's error.
func (e *BrokenError) Unwrap() []error { return []error{ErrBroken, e.Err} }

// truncated reports whether err, an error of the trace reader met once
// the whole input was read, says that the input ended too soon. The
// reader has no error value for it, only messages.
func truncated(err error) bool {
	msg := err.Error()
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(msg, "failed to read full batch") || strings.Contains(msg, "truncated")
}

// oneLine returns the first line of an error's message, without the
// "broken trace: " the reader puts before some of its errors, and without
// the colon that introduces the dump of its state that follows.
func oneLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	msg = strings.TrimPrefix(msg, ErrBroken.Error()+": ")
	return strings.TrimRight(msg, ": ")
}

// GCPercent is the garbage collector's percent (see debug.SetGCPercent)
// that a program holding a big timeline does well to run with when it
// cannot tell the trace's size, for PaceGC to pace it: a timeline
// is mostly data without pointers, which the collector gets through
// quickly, and the heap's growth the default of 100 allows between two
// collections was a sixth of the peak memory of a read. At 50, reading
// pipeline -n 100000 peaked at 97 MB instead of 106-115 MB, and took 3%
// longer.
const GCPercent = 50

// progressEvery is how many bytes Read lets pass between progress calls.
const progressEvery = 1 << 20

// Read reads a Go execution trace from r into a Timeline. If progress is
// not nil, it is called from the calling goroutine now and then with the
// bytes read so far and the input's size, or -1 when the size is unknown.
// ReadWith can also hand out the timeline of what has been read so far.
//
// An error that wraps ErrBroken means the input is not a trace, or is
// damaged; when the damage comes after some events, it is a *BrokenError
// that holds the timeline of the events before it. Any other error comes
// from reading r, or is a bug of this package, and says so.
//
// A file, or anything else r that is an io.ReaderAt with a Size method
// and has not been read from, may be read in parts at once (see
// ReadOptions.Parts); the timeline is the same.
//
// BUG: Reading takes 2.4 to 3.1 times the trace's size in memory at its
// peak, with the collector paced by PaceGC (a 97 MB trace of 5.6 million
// events, about 232 MB; an 84 MB trace of go test net/http, of 210
// thousand goroutines, 210 MB; a 16 MB one, 50 MB), and more for a trace
// of millions of goroutines that live a moment, each of which the
// timeline keeps in some 200 bytes where the trace has 70 (go test time's
// 135 MB of 2 million goroutines, 1.0 GB). Up to a third of the rest is
// the trace reader's: it holds a generation whole
// (the runtime starts one every second, or sooner when its buffers fill),
// one for each part read at once, or the whole trace for Go 1.21 and
// older, converted at once. A hostile input cannot make it allocate more
// than it sends: the reader checks every declared length (a batch is at
// most 64 KiB, a string 1 KiB, a stack 128 frames) before it allocates.
func Read(r io.Reader, progress func(read, total int64)) (*Timeline, error) {
	return ReadWith(r, ReadOptions{Progress: progress})
}

// ReadOptions are what a caller of ReadWith may ask of the reading. Both
// functions are called from the calling goroutine.
type ReadOptions struct {
	// Progress, if not nil, is called now and then with the bytes read so
	// far and the input's size, or -1 when the size is unknown.
	Progress func(read, total int64)

	// Parts is the most parts Read may split a big trace into, to read
	// them at once on several cores (see parts.go); 0 leaves it to Read,
	// which takes one part for every two cores, and 1 reads the trace
	// whole.
	Parts int

	// Partial, if not nil, is called now and then, from the third of a
	// second on, with the timeline of the events read so far, so that a
	// viewer can show a big trace while the rest of it loads. The timeline
	// is finished as Read's would be, but has no findings: what is blocked
	// may yet be woken. Making it costs a tenth of the reading at most.
	Partial func(*Timeline)
}

// ReadWith is Read with options: see ReadOptions.
func ReadWith(r io.Reader, o ReadOptions) (*Timeline, error) {
	n := o.Parts
	if n <= 0 {
		n = runtime.GOMAXPROCS(0) / coresPerPart
	}
	return read(r, n, o.Progress, newPartials(o.Partial, firstPartial, partialEvery))
}

// read is ReadWith with the schedule of partial timelines, nil for none.
// A big trace in a file or in memory is read in at most n parts at once
// (see readSplit); any other input is read whole.
func read(r io.Reader, n int, progress func(read, total int64), partial *partials) (*Timeline, error) {
	if ra, size := splittable(r); ra != nil {
		if parts := plan(ra, size, n); parts != nil {
			tl, err := readSplit(ra, size, parts, progress, partial)
			if err != errOverlap {
				return tl, err
			}
			r = io.NewSectionReader(ra, 0, size)
		}
	}
	return readWhole(r, progress, partial)
}

// readWhole reads r from start to end with one builder.
func readWhole(r io.Reader, progress func(read, total int64), partial *partials) (tl *Timeline, err error) {
	cr := &countingReader{r: r, total: sizeOf(r)}
	b := newBuilder()
	defer func() {
		if p := recover(); p != nil {
			tl, err = nil, b.panicked(p)
		}
	}()

	// Check the header here, to say plainly what is wrong with input that
	// is no trace, or a trace of a format the reader does not know.
	br := bufio.NewReaderSize(cr, readAhead)
	header, err := br.Peek(headerLen)
	if err != nil && cr.err != nil {
		return nil, fmt.Errorf("tracer: %w", cr.err)
	}
	if len(header) == 0 {
		return nil, fmt.Errorf("tracer: %w: empty input", ErrBroken)
	}
	if _, err := HeaderVersion(header); err != nil {
		return nil, err
	}

	var next int64 // when to report progress next
	err = b.fold(br, func() bool {
		n := cr.n.Load()
		partial.maybe(b, n, cr.total)
		if progress != nil && n >= next {
			progress(n, cr.total)
			next = n + progressEvery
		}
		return true
	})
	if err != nil {
		return nil, b.failed(err, cr)
	}
	if b.events == b.syncs {
		return nil, fmt.Errorf("tracer: %w: no events", ErrBroken)
	}
	if progress != nil {
		progress(cr.n.Load(), cr.total)
	}
	return b.finish(), nil
}

// errStopped is what fold returns when asked to stop.
var errStopped = errors.New("tracer: stopped")

// fold reads the trace r holds into b, calling before ahead of every batch
// of events, and stopping with errStopped when it returns false. It
// returns nil at the end of the trace, or the reader's error.
func (b *builder) fold(r io.Reader, before func() bool) error {
	xr, err := newReader(readerFor(r))
	if err != nil {
		return err
	}
	d := decode(xr)
	defer d.close()
	for {
		batch, err := d.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		// Here, not after the batch, so that no partial timeline is
		// made after the last.
		if !before() {
			return errStopped
		}
		for i := range batch {
			b.event(&batch[i])
		}
		d.recycle(batch)
	}
}

// failed returns the error Read returns when fold failed reading cr: the
// input's own error, or damage to the trace.
func (b *builder) failed(err error, cr *countingReader) error {
	if cr.err != nil {
		return fmt.Errorf("tracer: %w", cr.err)
	}
	return b.broken(err, cr.eof && truncated(err))
}

// panicked returns the error for a panic while b was building, to be
// called by a deferred function that recovered it. The trace reader is
// not hardened against every corrupt input: it may panic reading an
// event, or in a method of an event it let pass. Either is a broken trace,
// as is a trace that names more goroutines than a timeline numbers (see
// gnums); any other panic is a bug of the builder.
func (b *builder) panicked(p any) error {
	if p == errTooManyGoroutines {
		return &BrokenError{Events: b.events, Err: errTooManyGoroutines}
	}
	if raisedIn(xtracePkg) {
		return &BrokenError{Events: b.events, Err: fmt.Errorf("reader failed: %v", p)}
	}
	return fmt.Errorf("tracer: internal error after %d events: %v", b.events, p)
}

// broken returns the error for damage found after the events read so far,
// with the timeline they make.
func (b *builder) broken(err error, truncated bool) *BrokenError {
	e := &BrokenError{Events: b.events, Truncated: truncated, Err: err}
	if b.events > b.syncs {
		e.Partial = b.finish()
		e.Partial.Findings = nil
	}
	return e
}

// xtracePkg is the import path of the trace reader, as a stack frame's
// function names it.
const xtracePkg = "golang.org/x/exp/trace"

// raisedIn reports whether the panic under way was raised by code of the
// package with the given import path, or a package under it. Called from a
// deferred function, it looks at the frames below the runtime's panic.
func raisedIn(pkg string) bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case panicking && !strings.HasPrefix(f.Function, "runtime."):
			return strings.HasPrefix(f.Function, pkg+".") || strings.HasPrefix(f.Function, pkg+"/")
		}
		if !more {
			return false
		}
	}
}

// newReader and readEvents call the trace reader, turning a panic of it
// into an error: it is not hardened against every corrupt input.
func newReader(r io.Reader) (xr *xtrace.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reader failed: %v", p)
		}
	}()
	return xtrace.NewReader(r)
}

// readEvents appends events to batch until it is full, returning it and
// the reader's error, if it met one first. One deferred recover serves the
// whole batch: one an event cost the decoder a few per cent.
func readEvents(xr *xtrace.Reader, batch []xtrace.Event) (out []xtrace.Event, err error) {
	out = batch // what was read before a panic is kept
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reader failed: %v", p)
		}
	}()
	for len(out) < cap(out) {
		ev, err := xr.ReadEvent()
		if err != nil {
			return out, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// headerLen is the length of the header that begins every trace.
const headerLen = 16

// HeaderVersion returns the version of the trace format that a trace's
// header names, such as "go 1.26" for "go 1.26 trace\x00\x00\x00". A few Go
// releases share a format: Go 1.24 writes "go 1.23" traces. The error
// wraps ErrBroken when header does not begin a trace, or begins one of a
// format Read cannot read.
func HeaderVersion(header []byte) (string, error) {
	minor, ok := headerMinor(header)
	if !ok {
		return "", fmt.Errorf("tracer: %w: not a Go execution trace: "+
			"it does not begin with \"go 1.N trace\"", ErrBroken)
	}
	version := "go 1." + strconv.Itoa(minor)
	if !slices.Contains(formats, minor) {
		return version, fmt.Errorf("tracer: %w: unsupported trace format %s: "+
			"this reader knows those of go 1.11 to go 1.%d",
			ErrBroken, version, formats[len(formats)-1])
	}
	return version, nil
}

// headerMinor returns N of the "go 1.N trace" that begins a trace, and
// whether header begins so.
func headerMinor(header []byte) (int, bool) {
	rest, ok := bytes.CutPrefix(header, []byte("go 1."))
	digits := 0
	for digits < len(rest) && digits < 3 && '0' <= rest[digits] && rest[digits] <= '9' {
		digits++
	}
	if !ok || digits == 0 || !bytes.HasPrefix(rest[digits:], []byte(" trace\x00")) {
		return 0, false
	}
	minor, _ := strconv.Atoi(string(rest[:digits]))
	return minor, true
}

// formats are the minor versions of the trace formats x/exp/trace reads:
// the Go releases that changed the format.
var formats = []int{11, 19, 21, 22, 23, 25, 26}

// countingReader counts the bytes read through it. It is read by the
// decoder's goroutine; n may be loaded from any goroutine, err and eof only
// once the decoder has ended.
type countingReader struct {
	r     io.Reader
	n     atomic.Int64
	total int64
	err   error // the first error of r other than io.EOF
	eof   bool  // r is read to its end
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if err == io.EOF {
		c.eof = true
	} else if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// sizeOf returns the size of r's content if r can tell it, or -1.
func sizeOf(r io.Reader) int64 {
	switch x := r.(type) {
	case interface{ Len() int }:
		return int64(x.Len())
	case interface{ Size() int64 }:
		return x.Size()
	case *os.File:
		if fi, err := x.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return -1
}
