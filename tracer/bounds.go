package tracer

import (
	"bufio"
	"encoding/binary"
	"io"
)

// x/exp/trace keeps each batch of the generation it reads in a buffer of
// its own, which it grows to the batch's size with bytes.Buffer.Grow and
// fills with io.CopyN. Once the batch is in, the buffer's ReadFrom asks
// for more, and to make room for it first grows the buffer to twice its
// size, unless half a kilobyte is left over; the reader then holds the
// bigger buffer for as long as it holds the generation. On the traces of
// net/http's tests a generation took 1.83 times its size that way, a
// fifth of a replay's peak memory.
//
// batchBounds, beneath the reader, ends the copy of a batch where the
// batch ends: its read that reaches the end of a batch's data says
// io.EOF, which ReadFrom takes as the end of its input before it grows
// the buffer. The reader reads through a bufio.Reader of readerBuf bytes,
// which hands a read longer than that straight to batchBounds; so that
// the copy of a batch is such a read, batchBounds stops every read at a
// batch's edges, and the buffer above never holds a byte of a batch's
// data when its copy begins. An io.EOF then ends only a read that a copy
// made, and batchBounds reads on after it.
//
// That rests on how x/exp/trace reads: through bufio.NewReader, which
// takes readerFor's bufio.Reader as it is, and a copy with io.CopyN into
// a bytes.Buffer. TestBatchBounds checks both, and the events read.
//
// A trace of a format before Go 1.22, which has no batches, and what
// follows damage that batchBounds cannot read past, it passes on as they
// are, for the reader to read or to report.
type batchBounds struct {
	r     *bufio.Reader
	left  int64 // what is left of the header or the data being read
	size  int64 // the size of the data of the batch whose header is read
	data  bool  // left counts a batch's data, not a header
	plain bool  // pass r on as it is
}

const (
	// readerBuf is the size of the bufio.Reader that x/exp/trace reads
	// batchBounds through: its default.
	readerBuf = 4096

	// maxBatchHeader is the longest a batch's header can be: its kind, an
	// experiment, and four numbers.
	maxBatchHeader = 2 + 4*binary.MaxVarintLen64

	// The first byte of a batch's header, in the formats of Go 1.22 to
	// 1.26: a batch of events, a batch of an experiment's data, and the
	// end of a generation (Go 1.26), a byte alone.
	evEventBatch        = 1
	evExperimentalBatch = 49
	evEndOfGeneration   = 52

	maxBatchSize = 64 << 10 // what the runtime writes at most

	// readAhead is the size of the buffer a trace is read through from
	// its source, which batchBounds peeks at.
	readAhead = 64 << 10
)

// readerFor returns the reader that x/exp/trace should read r through:
// one that keeps its batches in buffers of their own sizes.
func readerFor(r io.Reader) *bufio.Reader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < readAhead {
		br = bufio.NewReaderSize(r, readAhead)
	}
	b := &batchBounds{r: br, left: headerLen}
	header, _ := br.Peek(headerLen)
	if minor, ok := headerMinor(header); !ok || minor < 22 {
		b.plain = true
	}
	return bufio.NewReaderSize(b, readerBuf)
}

func (b *batchBounds) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if !b.plain && b.left == 0 {
		if !b.data && b.size > 0 {
			b.data, b.left, b.size = true, b.size, 0
		} else {
			b.plain = !b.next()
		}
	}
	if b.plain {
		return b.r.Read(p)
	}
	n := int(min(int64(len(p)), b.left))
	if !b.data || len(p) <= readerBuf {
		// A header, or data read into the buffer above.
		n, err := b.r.Read(p[:n])
		b.left -= int64(n)
		return n, err
	}
	n, err := io.ReadFull(b.r, p[:n])
	b.left -= int64(n)
	switch {
	case err == io.ErrUnexpectedEOF:
		return n, io.EOF // the trace is cut short
	case err == nil && b.left == 0 && n == len(p):
		return n, io.EOF // the end of the batch, for the copy above (see batchBounds)
	}
	return n, err
}

// next reads the header of the next batch, reporting false at the end of
// the input or where it holds no header batchBounds knows. It waits for no
// byte the header does not need: on a stream, the byte that ends a
// generation may be the last sent for a while.
func (b *batchBounds) next() bool {
	for n := min(max(b.r.Buffered(), 1), maxBatchHeader); ; n++ {
		h, err := b.r.Peek(n)
		if head, ok := parseBatchHeader(h); ok {
			if head.size > 1<<40 {
				return false
			}
			b.data, b.left, b.size = false, int64(head.len), int64(head.size)
			return true
		}
		if err != nil || n >= maxBatchHeader {
			return false
		}
	}
}

// batchHeader is what the header of a batch says.
type batchHeader struct {
	len  int    // of the header
	end  bool   // the end of a generation, a header alone
	gen  uint64 // the generation the batch belongs to
	size uint64 // of the batch's data, which follows the header
}

// parseBatchHeader reads the header of a batch from h, which holds it, or
// all there is left of the trace if that is shorter. It reports false if h
// does not begin with a header.
func parseBatchHeader(h []byte) (batchHeader, bool) {
	if len(h) == 0 {
		return batchHeader{}, false
	}
	i := 1
	switch h[0] {
	case evEndOfGeneration:
		return batchHeader{len: 1, end: true}, true
	case evExperimentalBatch:
		i = 2
	case evEventBatch:
	default:
		return batchHeader{}, false
	}
	var fields [4]uint64 // the generation, the thread, the time, and the size
	for f := range fields {
		if i >= len(h) {
			return batchHeader{}, false
		}
		v, n := binary.Uvarint(h[i:])
		if n <= 0 {
			return batchHeader{}, false
		}
		fields[f], i = v, i+n
	}
	return batchHeader{len: i, gen: fields[0], size: fields[3]}, true
}
