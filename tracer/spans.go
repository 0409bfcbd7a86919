package tracer

import (
	"encoding/binary"
	"iter"
	"math/bits"
	"slices"
)

// Spans are a goroutine's spans in time order, kept compact: a trace has a
// span for every change of state of every goroutine, and held as 24-byte
// structs they took most of the memory of a timeline of a program not
// instrumented by the probe (a 13 MB trace of go test net/http has 2
// million). Each span is encoded against the one before it, which it
// mostly follows at once, and whose wait, if it waited, was the one before
// its own: a header byte and the duration, about 4 bytes a span. Every
// spanMarkEvery spans a mark records where the encoding resumes, for At
// and Find to start from.
//
// The encoding of a goroutine's first spans grows as a slice does, up to
// spanChunk bytes; past that, it goes on in chunks of that size, which are
// never moved. A few goroutines of a trace of go test hold hundreds of
// thousands of spans, and one slice grown a quarter at a time was copied
// over and over: a sixth of all that reading a trace of go test net/http
// or time allocated went to those copies, garbage at once. A position in
// the encoding is the chunk's number shifted by spanChunkBits, and the
// offset in the chunk.
//
// The zero Spans is empty and ready to use. Spans are appended to only by
// the reader; a Timeline's are never changed.
type Spans struct {
	data []byte    // the last chunk, the only one for most goroutines
	more *spanMore // nil for 32 spans or fewer, as most goroutines have

	// After the last span: the spanState, spelled out, with the count in
	// what would be its padding, to keep a Goroutine in a smaller size
	// class. A goroutine's encoded spans take less than 4 GiB, and so
	// count fewer than 2^31.
	end   Time
	block int32
	n     int32
}

// spanDataFirst is the room a goroutine's encoded spans get at first.
const spanDataFirst = 32

// A chunk of encoded spans holds less than spanChunk bytes.
const (
	spanChunkBits = 16
	spanChunk     = 1 << spanChunkBits
)

// spanMore is what a goroutine with more than spanMarkEvery spans keeps
// beside its last chunk. It is behind a pointer, which saves a Goroutine
// 40 bytes: a trace of go test time has two million goroutines, and their
// structs were half its timeline (see TestGoroutineSize).
type spanMore struct {
	marks  []spanMark
	chunks [][]byte // the full chunks before data, in order
}

// spanMarkEvery is how many spans lie between two marks: a lookup decodes
// at most that many.
const spanMarkEvery = 32

// spanState is what a span's encoding is decoded against: where the span
// before ended and the last wait of the spans before, or -1.
type spanState struct {
	end   Time
	block int32
}

// spanMark is where the encoding of every spanMarkEvery'th span but the
// first begins, which needs none: a goroutine's spans are decoded against
// the zero spanState, and most goroutines have but a few spans. A
// goroutine's encoded spans take less than 4 GiB. Where the span before
// ended, the other half of the state the span is decoded against, is its
// start less the gap its encoding holds.
type spanMark struct {
	start Time   // the span's start
	block int32  // the last wait before it
	off   uint32 // its position, or the end of the chunk before its own
}

// before returns the state the span at mark m is decoded against.
func (s *Spans) before(m *spanMark) spanState {
	st := spanState{end: m.start, block: m.block}
	k, off := s.locate(int(m.off))
	if data := s.chunk(k); data[off]&spanGap != 0 {
		gap, _ := varintAt(data, off+1)
		st.end -= Time(gap)
	}
	return st
}

// The bits of a span's header byte: its state, whether it begins after
// the one before ended, and how its wait is numbered.
const (
	spanStateBits = 0x07
	spanGap       = 0x08
	spanNextWait  = 0x10 // the wait after the last one
	spanOtherWait = 0x20 // a wait numbered explicitly
)

// MakeSpans returns spans holding the given ones, which must be in time
// order: for tests and timelines built by hand.
func MakeSpans(spans ...Span) Spans {
	var s Spans
	for _, sp := range spans {
		s.Append(sp)
	}
	return s
}

// trim gives back the room s keeps to grow, for spans that are done
// growing: appended to a few bytes at a time, a goroutine's spans held a
// seventh more than they needed. Short data goes to the arena, to be kept
// without a heap object of its own.
func (s *Spans) trim(a *byteArena) {
	s.data = a.keep(s.data)
	if s.more == nil {
		return
	}
	if ms := s.more.marks; len(ms) < cap(ms) {
		s.more.marks = slices.Clone(ms)
	}
	if cs := s.more.chunks; len(cs) < cap(cs) {
		s.more.chunks = slices.Clone(cs)
	}
}

// markList returns the marks.
func (s *Spans) markList() []spanMark {
	if s.more == nil {
		return nil
	}
	return s.more.marks
}

// addMark appends a mark.
func (s *Spans) addMark(m spanMark) {
	if s.more == nil {
		s.more = new(spanMore)
	}
	s.more.marks = append(s.more.marks, m)
}

// chunk returns chunk k of the encoding, which must exist.
func (s *Spans) chunk(k int) []byte {
	if s.more == nil || k == len(s.more.chunks) {
		return s.data
	}
	return s.more.chunks[k]
}

// chunked reports whether the encoding takes more than one chunk.
func (s *Spans) chunked() bool { return s.more != nil && s.more.chunks != nil }

// tail returns the position after the last span.
func (s *Spans) tail() int {
	k := 0
	if s.more != nil {
		k = len(s.more.chunks)
	}
	return k<<spanChunkBits | len(s.data)
}

// room makes room for n more bytes of encoding, in a chunk of their own if
// the last has no room for them.
func (s *Spans) room(n int) {
	switch {
	case len(s.data)+n >= spanChunk:
		if s.more == nil {
			s.more = new(spanMore)
		}
		s.more.chunks = append(s.more.chunks, s.data)
		s.data = make([]byte, 0, spanChunk)
	case cap(s.data)-len(s.data) < n:
		// Grown as append grows a slice, from 32 bytes, the room of
		// eight spans or so: appended a field at a time, the data grew
		// at every other span of a goroutine's first few, and growing
		// it was a tenth of the reader's time on a trace of go test.
		s.data = slices.Grow(s.data, max(n, spanDataFirst-len(s.data)))
	}
}

// put appends the encoding of a span.
func (s *Spans) put(enc []byte) {
	s.room(len(enc))
	s.data = append(s.data, enc...)
}

// A byteArena keeps short byte slices one after another in chunks of
// arenaChunk bytes; a slice of more than a sixteenth of that is kept alone.
type byteArena struct {
	chunk []byte
}

// keep returns a copy of b, of its length, in the arena.
func (a *byteArena) keep(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	if len(b) > arenaChunk/16 {
		if len(b) == cap(b) {
			return b
		}
		return slices.Clone(b)
	}
	if cap(a.chunk)-len(a.chunk) < len(b) {
		a.chunk = make([]byte, 0, arenaChunk)
	}
	off := len(a.chunk)
	a.chunk = append(a.chunk, b...)
	return a.chunk[off:len(a.chunk):len(a.chunk)]
}

// Len returns the number of spans.
func (s *Spans) Len() int { return int(s.n) }

// Append adds a span after the last.
func (s *Spans) Append(sp Span) {
	if s.n == 0 {
		s.block = -1
	}
	if s.n > 0 && s.n%spanMarkEvery == 0 {
		s.addMark(spanMark{start: sp.Start, block: s.block, off: uint32(s.tail())})
	}
	h := byte(sp.State) & spanStateBits
	if sp.Start != s.end {
		h |= spanGap
	}
	switch {
	case sp.Block < 0:
	case sp.Block == s.block+1:
		h |= spanNextWait
	default:
		h |= spanOtherWait
	}
	// The room for the span first.
	n := 1 + varintLen(int64(sp.End-sp.Start))
	if h&spanGap != 0 {
		n += varintLen(int64(sp.Start - s.end))
	}
	if h&spanOtherWait != 0 {
		n += varintLen(int64(sp.Block))
	}
	s.room(n)
	s.data = append(s.data, h)
	if h&spanGap != 0 {
		s.data = appendVarint(s.data, int64(sp.Start-s.end))
	}
	s.data = appendVarint(s.data, int64(sp.End-sp.Start))
	if h&spanOtherWait != 0 {
		s.data = appendVarint(s.data, int64(sp.Block))
	}
	s.end = sp.End
	if sp.Block >= 0 {
		s.block = sp.Block
	}
	s.n++
}

// appendShifted appends the spans of q, the first of them beginning at
// first unless that is NoTime, with their waits renumbered by w, for the
// stitching of a part's goroutine to what the parts before read of it (see
// stitch.go). It reports whether a span begins before the one before it
// ended.
//
// The spans are encoded anew until q names its first wait; from there on,
// when the renumbering shifts every wait alike, a span's encoding stands
// as it is, against the span before, but for a wait numbered explicitly:
// the encodings are copied, and decoded only to place the marks. A few
// long-lived goroutines of a go test trace hold a third of its spans,
// which each stitch appended anew.
func (s *Spans) appendShifted(q *Spans, first Time, w waitShift) (disordered bool) {
	if n := len(q.data) + len(q.data)/8; !q.chunked() && len(s.data)+n < spanChunk {
		s.data = slices.Grow(s.data, n)
	}
	shifts := w.joined < 0 || w.joined == w.off // every wait i becomes i+w.off
	pos, st := 0, spanState{block: -1}
	i := 0
	for ; i < q.Len() && (i == 0 || st.block < 0 || !shifts); i++ {
		var sp Span
		sp, pos, st = q.decode(pos, st)
		if i == 0 && first != NoTime {
			sp.Start = first
		}
		sp.Block = w.block(sp.Block)
		if sp.Start < s.end {
			disordered = true
		}
		s.Append(sp)
	}
	for ; i < q.Len(); i++ {
		k, at := q.locate(pos)
		data := q.chunk(k)
		var sp Span
		var end int
		sp, end, st = decodeSpan(data, at, st)
		pos = k<<spanChunkBits | end
		if sp.Start < s.end {
			disordered = true
		}
		if data[at]&spanOtherWait != 0 {
			sp.Block += w.off
			s.Append(sp)
			continue
		}
		if s.n%spanMarkEvery == 0 {
			s.addMark(spanMark{start: sp.Start, block: s.block, off: uint32(s.tail())})
		}
		s.put(data[at:end])
		s.end = sp.End
		if sp.Block >= 0 {
			s.block = sp.Block + w.off
		}
		s.n++
	}
	return disordered
}

// locate returns the chunk and the offset in it of the span at position
// pos, which may be the end of the chunk before.
func (s *Spans) locate(pos int) (k, off int) {
	k, off = pos>>spanChunkBits, pos&(spanChunk-1)
	if s.more != nil && k < len(s.more.chunks) && off == len(s.more.chunks[k]) {
		k, off = k+1, 0
	}
	return k, off
}

// decode returns the span at position pos, decoded against st, the
// position after it and the state after it.
func (s *Spans) decode(pos int, st spanState) (Span, int, spanState) {
	if !s.chunked() {
		return decodeSpan(s.data, pos, st)
	}
	k, off := s.locate(pos)
	sp, off, st := decodeSpan(s.chunk(k), off, st)
	return sp, k<<spanChunkBits | off, st
}

// decodeSpan returns the span encoded at data[off] against st, the offset
// after it and the state after it.
func decodeSpan(data []byte, off int, st spanState) (Span, int, spanState) {
	h := data[off]
	off++
	sp := Span{Start: st.end, State: State(h & spanStateBits), Block: -1}
	var v int64
	if h&spanGap != 0 {
		v, off = varintAt(data, off)
		sp.Start += Time(v)
	}
	v, off = varintAt(data, off)
	sp.End = sp.Start + Time(v)
	switch {
	case h&spanNextWait != 0:
		sp.Block = st.block + 1
	case h&spanOtherWait != 0:
		v, off = varintAt(data, off)
		sp.Block = int32(v)
	}
	st.end = sp.End
	if sp.Block >= 0 {
		st.block = sp.Block
	}
	return sp, off, st
}

// varintLen returns the length of v as binary.AppendVarint encodes it.
func varintLen(v int64) int {
	u := uint64(v)<<1 ^ uint64(v>>63)
	return (bits.Len64(u|1) + 6) / 7
}

// appendVarint appends v as binary.AppendVarint does, a number that fits
// in a byte, as most of a span's do, without a loop.
func appendVarint(data []byte, v int64) []byte {
	if u := uint64(v)<<1 ^ uint64(v>>63); u < 0x80 {
		return append(data, byte(u))
	}
	return binary.AppendVarint(data, v)
}

// varintAt returns the varint at data[off] and the offset after it. Most
// of a span's numbers fit in a byte or two, which it reads without a
// loop: drawing a lane decodes thousands of spans.
func varintAt(data []byte, off int) (int64, int) {
	var u uint64
	if b := data[off]; b < 0x80 {
		u, off = uint64(b), off+1
	} else if c := data[off+1]; c < 0x80 {
		u, off = uint64(b&0x7f)|uint64(c)<<7, off+2
	} else {
		var n int
		u, n = binary.Uvarint(data[off:])
		off += n
	}
	return int64(u>>1) ^ -int64(u&1), off
}

// All yields the spans in order, with their indexes.
func (s *Spans) All() iter.Seq2[int, Span] {
	return func(yield func(int, Span) bool) {
		off, st := 0, spanState{block: -1}
		for i := range s.Len() {
			var sp Span
			sp, off, st = s.decode(off, st)
			if !yield(i, sp) {
				return
			}
		}
	}
}

// At returns span i.
func (s *Spans) At(i int) Span {
	c := s.seekMark(i / spanMarkEvery)
	for c.i < i {
		c.next()
	}
	return c.next()
}

// Find returns the index of the span that contains t, and the span, or
// false when none does.
func (s *Spans) Find(t Time) (int, Span, bool) {
	c := s.Cursor()
	sp, ok := c.At(t)
	return c.i - 1, sp, ok
}

// clip returns spans that share what s holds but to which appending
// does not change s: a partial timeline's, while the reader goes on.
func (s *Spans) clip() Spans {
	c := *s
	c.data = slices.Clip(s.data)
	if s.more != nil {
		c.more = &spanMore{marks: slices.Clip(s.more.marks), chunks: slices.Clip(s.more.chunks)}
	}
	return c
}

// A SpanCursor finds spans at times that only grow, as a lane drawn column
// by column asks for them: it decodes on from where it is, and jumps by
// the marks when the time is far ahead.
type SpanCursor struct {
	s   *Spans
	i   int // the index of the next span to decode
	pos int // and its position
	st  spanState
	cur Span // the span decoded last
	has bool // cur is set
}

// Cursor returns a cursor at the first span.
func (s *Spans) Cursor() *SpanCursor {
	c := s.seekMark(0)
	return &c
}

// seekMark returns a cursor at mark m, which is at the first span when m
// is 0, and at the last mark when there are fewer.
func (s *Spans) seekMark(m int) SpanCursor {
	c := SpanCursor{s: s, st: spanState{block: -1}}
	ms := s.markList()
	if m = min(m, len(ms)); m > 0 {
		mk := &ms[m-1]
		c.i, c.pos, c.st = m*spanMarkEvery, int(mk.off), s.before(mk)
	}
	return c
}

// next decodes the next span; there must be one.
func (c *SpanCursor) next() Span {
	c.cur, c.pos, c.st = c.s.decode(c.pos, c.st)
	c.i++
	c.has = true
	return c.cur
}

// At returns the span that contains t, or false when none does. t must not
// be less than at the call before.
func (c *SpanCursor) At(t Time) (Span, bool) {
	s := c.s
	if c.has && c.cur.End > t {
		return c.cur, c.cur.Start <= t
	}
	// Jump to the last mark at or before t, if it lies ahead: the next
	// few marks are looked at in turn, as the columns of a lane mostly
	// lie a few marks apart, and the rest searched.
	// Mark m is ms[m-1].
	ms := s.markList()
	if m := c.i/spanMarkEvery + 1; m <= len(ms) && ms[m-1].start <= t {
		for m < len(ms) && ms[m].start <= t {
			if m++; m%8 == 0 {
				k, _ := slices.BinarySearchFunc(ms[m-1:], t, func(mk spanMark, t Time) int {
					if mk.start <= t {
						return -1
					}
					return 1
				})
				m += k - 1
				break
			}
		}
		*c = s.seekMark(m)
	}
	// Decode on in local variables, which the compiler keeps in
	// registers, a chunk at a time.
	i, st := c.i, c.st
	k, off := s.locate(c.pos)
	for {
		data := s.chunk(k)
		for off < len(data) { // each chunk ends with a span's end
			var sp Span
			sp, off, st = decodeSpan(data, off, st)
			i++
			if sp.End > t {
				c.i, c.pos, c.st, c.cur, c.has = i, k<<spanChunkBits|off, st, sp, true
				return sp, sp.Start <= t
			}
		}
		if i == s.Len() {
			break
		}
		k, off = k+1, 0
	}
	c.i, c.pos, c.st = i, k<<spanChunkBits|off, st
	return Span{}, false
}
