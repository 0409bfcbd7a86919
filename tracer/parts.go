package tracer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	xtrace "golang.org/x/exp/trace"
)

// The trace reader decodes on one core, and decoding alone takes as long
// as a bare read. A trace of Go 1.22 or later is a sequence of generations,
// each readable alone behind the trace's header, so on a machine with
// cores to spare Read splits a big trace at the generation boundaries
// nearest to equal sizes, reads the parts at once, and stitches their
// timelines (see stitch.go).

// minSplit is the size from which a trace is read in parts: below it,
// starting the readers costs more than it saves.
const minSplit = 4 << 20

// coresPerPart is how many cores the reading of one part keeps busy: its
// decoder's and its builder's. On two cores one reader already uses both,
// and splitting gained little or lost (measured with benchread: 1.55 s in
// two parts against 1.47 s whole for an 84 MB trace of go test net/http,
// 352 ms against 301 ms for a 16 MB one, 1.10 s against 1.22 s for a 97
// MB one of the pipeline), so a trace is split only where there are four
// cores or more.
const coresPerPart = 2

// splittable returns r as an io.ReaderAt with its size, if it is one that
// has not been read from yet, or nil.
func splittable(r io.Reader) (io.ReaderAt, int64) {
	ra, ok := r.(io.ReaderAt)
	if !ok {
		return nil, -1
	}
	switch x := r.(type) {
	case *os.File:
		fi, err := x.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return nil, -1
		}
		if pos, err := x.Seek(0, io.SeekCurrent); err != nil || pos != 0 {
			return nil, -1
		}
		return ra, fi.Size()
	case interface {
		Size() int64
		Len() int
	}:
		if int64(x.Len()) != x.Size() {
			return nil, -1
		}
		return ra, x.Size()
	case interface{ Size() int64 }:
		return ra, x.Size()
	}
	return nil, -1
}

// A part is a stretch of a trace that begins with a generation, where the
// part before it ends, and runs to offset to. It is read from warm, the
// start of the generation before it (or of the trace for the first part),
// to leave the trace reader knowing every goroutine's state where the part
// begins: reading from a generation's start alone, the reader meets
// goroutines whose state a later event restates, and delays and renumbers
// their events until it can order them.
type part struct {
	warm, to int64
}

// worthSplit is the share of a trace the biggest part may decode, warm-up
// included, for reading the parts at once to be worth it.
const worthSplit = 0.75

// plan returns the parts to read a trace of the given size in, at most n,
// or nil when it is not worth splitting or cannot be split: a trace of
// few, big generations gains nothing, since each part decodes the
// generation before it too.
func plan(ra io.ReaderAt, size int64, n int) []part {
	if n < 2 || size < minSplit {
		return nil
	}
	gens := generations(ra, size)
	for ; n >= 2; n-- {
		parts := cut(gens, size, n)
		if len(parts) < 2 {
			continue
		}
		worst := int64(0)
		for _, p := range parts {
			worst = max(worst, p.to-p.warm)
		}
		if float64(worst) <= worthSplit*float64(size) {
			return parts
		}
	}
	return nil
}

// cut splits a trace of the given size, whose generations begin at gens,
// into at most n parts at the generations nearest to equal sizes.
func cut(gens []int64, size int64, n int) []part {
	parts := []part{{warm: 0}}
	prev := 0 // the index in gens of the last part's first generation
	for k := 1; k < n; k++ {
		target, best := size*int64(k)/int64(n), -1
		for j := max(prev+1, 2); j < len(gens); j++ {
			if best < 0 || dist(gens[j], target) < dist(gens[best], target) {
				best = j
			}
		}
		if best < 0 {
			break
		}
		parts[len(parts)-1].to = gens[best]
		parts = append(parts, part{warm: gens[best-1]})
		prev = best
	}
	parts[len(parts)-1].to = size
	return parts
}

func dist(a, b int64) int64 { return max(a-b, b-a) }

// generations returns the offsets at which the generations of a trace
// begin, reading only the batches' headers, or nil when the trace has no
// generations (Go 1.21 and older) or holds anything unexpected: reading
// it whole then says what is wrong.
func generations(ra io.ReaderAt, size int64) []int64 {
	var head [headerLen]byte
	if _, err := ra.ReadAt(head[:], 0); err != nil {
		return nil
	}
	minor, _ := headerMinor(head[:])
	if _, err := HeaderVersion(head[:]); err != nil || minor < 22 {
		return nil
	}
	var gens []int64
	var last uint64
	buf := make([]byte, maxBatchHeader)
	for off := int64(headerLen); off < size; {
		n, _ := ra.ReadAt(buf, off)
		h, ok := parseBatchHeader(buf[:n])
		if !ok || h.size > maxBatchSize || !h.end && h.gen < last {
			return nil
		}
		if !h.end && h.gen > last {
			gens, last = append(gens, off), h.gen
		}
		off += int64(h.len) + int64(h.size)
	}
	return gens
}

// readSplit reads the trace in ra in parts, the first on the calling
// goroutine, which also makes the partial timelines, the others each on a
// goroutine of its own, and stitches them.
func readSplit(ra io.ReaderAt, size int64, plan []part, progress func(read, total int64),
	partial *partials) (tl *Timeline, err error) {
	var header [headerLen]byte
	if _, err := ra.ReadAt(header[:], 0); err != nil {
		return nil, fmt.Errorf("tracer: %w", err)
	}
	type reading struct {
		b        *builder
		cr       *countingReader
		err      error
		panicked bool // err is a panic's
	}
	parts := make([]reading, len(plan))
	for i, p := range plan {
		var r io.Reader = io.NewSectionReader(ra, p.warm, p.to-p.warm)
		if i > 0 {
			r = io.MultiReader(bytes.NewReader(header[:]), r)
		}
		parts[i] = reading{b: newBuilder(), cr: &countingReader{r: r}}
		if i > 0 {
			b := parts[i].b
			b.cont, b.warm, b.made = true, 2, map[int32]bool{}
		}
	}
	// How much of the trace has been read, counting what the parts read
	// twice once, as the file's share of the work.
	var work int64
	for _, p := range plan {
		work += p.to - p.warm
	}
	read := func() int64 {
		var n int64
		for i := range parts {
			n += parts[i].cr.n.Load()
		}
		return min(n*size/work, size)
	}

	// The later parts count time from the first part's first event: they
	// wait for it before their first batch, or for stop.
	var (
		start   xtrace.Time
		started = make(chan struct{})
		stop    atomic.Bool
		wg      sync.WaitGroup
	)
	for i := 1; i < len(parts); i++ {
		p := &parts[i]
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					p.err, p.panicked = p.b.panicked(r), true
				}
			}()
			first := true
			p.err = p.b.fold(p.cr, func() bool {
				if first {
					<-started
					p.b.start, first = start, false
				}
				return !stop.Load()
			})
		})
	}
	published := false
	publish := func(ok bool) {
		if !published {
			start, published = parts[0].b.start, true
			stop.Store(!ok)
			close(started)
		}
	}
	defer func() {
		// Whatever happens here, the other parts' readers end first.
		stop.Store(true)
		publish(false)
		wg.Wait()
		if r := recover(); r != nil {
			tl, err = nil, parts[0].b.panicked(r)
		}
	}()

	b := parts[0].b
	var next int64 // when to report progress next
	err = b.fold(parts[0].cr, func() bool {
		if b.events > 0 {
			publish(true)
		}
		n := read()
		partial.maybe(b, n, size)
		if progress != nil && n >= next {
			progress(n, size)
			next = n + progressEvery
		}
		return true
	})
	if err != nil {
		return nil, b.failed(err, parts[0].cr)
	}
	publish(b.events > 0)
	if progress != nil {
		waitShowing(&wg, func() { progress(read(), size) })
	}
	wg.Wait()
	for i := 1; i < len(parts); i++ {
		p := &parts[i]
		// Stitch what the part read also when it failed: a broken
		// trace's partial timeline holds all that came before the
		// damage.
		var be *BrokenError
		switch {
		case p.err == nil:
			b.stitch(p.b)
		case errors.Is(p.err, errStopped):
			return nil, fmt.Errorf("tracer: internal error: part %d of the trace stopped", i)
		case p.panicked && errors.As(p.err, &be):
			// The reader panicked: the part's builder may be in any
			// state. Its first event is the Sync that ended the parts
			// before.
			return nil, &BrokenError{Events: b.events + max(be.Events-1, 0), Err: be.Err}
		case p.panicked:
			return nil, p.err
		case p.cr.err != nil:
			return nil, fmt.Errorf("tracer: %w", p.cr.err)
		default:
			if p.b.events > p.b.syncs {
				b.stitch(p.b)
			}
			if !inOrder(b) {
				return nil, errOverlap
			}
			return nil, b.broken(p.err, p.cr.eof && i == len(parts)-1 && truncated(p.err))
		}
	}
	if !inOrder(b) {
		return nil, errOverlap
	}
	if b.events == b.syncs {
		return nil, fmt.Errorf("tracer: %w: no events", ErrBroken)
	}
	if progress != nil {
		progress(size, size)
	}
	return b.finish(), nil
}

// errOverlap is what readSplit returns for a trace whose parts overlap in
// time, which a trace the runtime wrote never has: the trace reader puts
// the events of one reading in time order, but nothing orders those of
// two. Read then reads the trace whole.
var errOverlap = errors.New("tracer: the parts of the trace overlap in time")

// inOrder reports whether the steps that b has made, and the spans of each
// goroutine, are in time order: the builders note it as they append, and
// stitch where the parts join.
func inOrder(b *builder) bool { return !b.stepsDisordered && !b.spansDisordered }

// waitShowing calls show every tenth of a second until wg is done.
func waitShowing(wg *sync.WaitGroup, show func()) {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			show()
		}
	}
}
