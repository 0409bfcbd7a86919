package tracer

import (
	"iter"
	"maps"
	"math"
	"slices"
	"unsafe"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// Ops are a channel's operations, in the order they began (Read sorts
// them so). A channel of a pipeline has hundreds of thousands, the
// largest part of a scenario's timeline. They are kept in chunks (see
// chunked), in 32 bytes each (see packedOp), where an Op takes 64 and its
// value a string of its own, which the collector had to visit, one by
// one.
//
// The zero Ops is empty. A Timeline's operations are never changed.
type Ops struct {
	list  chunked[packedOp]
	bases []Time // for each chunk, what its operations' starts count from

	// What a packedOp cannot hold, by operation: the starts too far from
	// their chunk's base, the value numbers of 32 bits or more (from a
	// damaged trace), and the ends of the operations whose dur is opLong.
	starts map[int32]Time
	seqs   map[int32]uint64
	ends   map[int32]Time

	values *valueArena
	ids    *gnums
}

// packedOp is an operation as Ops keep it: its start from its chunk's
// base, its end as a duration from its start, its goroutine by number (see
// gnums) with its kind and OK in the spare bits, and its value as a
// reference into the arena. A chunk's base is half the range of off
// before the start of its first operation, so that the operations of a
// chunk, begun within two seconds of the first, before or after, need no
// entry in the maps.
type packedOp struct {
	off              uint32 // start - the chunk's base, or opFar
	seq              uint32 // the value's number, or opFar
	dur              uint32 // End-Start, or opOpen, or opLong
	gk               uint32 // kind<<29 | ok<<28 | the goroutine's number
	value            valueRef
	send, sel, stack int32
}

// The durations of a packedOp that are not: an operation that never
// completed, and one whose end is kept apart, in Ops.ends, as that of one
// that took more than 4.29 s (or ended before it began) is. opFar marks a
// start or value number kept apart.
const (
	opOpen = math.MaxUint32
	opLong = math.MaxUint32 - 1
	opFar  = math.MaxUint32
)

// opBaseBefore is how long before the start of a chunk's first operation
// its base is.
const opBaseBefore = 1 << 31

// The bits of packedOp.gk above the goroutine's number.
const (
	opOK        = 1 << 28
	opKindShift = 29
)

func (p *packedOp) kind() OpKind { return OpKind(p.gk >> opKindShift) }
func (p *packedOp) ok() bool     { return p.gk&opOK != 0 }
func (p *packedOp) open() bool   { return p.dur == opOpen }

// MakeOps returns operations holding the given ones: for tests and
// timelines built by hand.
func MakeOps(ops ...Op) Ops {
	var os Ops
	for _, op := range ops {
		os.add(op)
	}
	return os
}

// Len returns the number of operations.
func (os *Ops) Len() int { return int(os.list.n) }

// At returns operation i.
func (os *Ops) At(i int) Op { return os.unpack(int32(i), os.list.ref(i)) }

// All yields the operations in order, with their indexes.
func (os *Ops) All() iter.Seq2[int, Op] {
	return func(yield func(int, Op) bool) {
		for i := range os.Len() {
			if !yield(i, os.At(i)) {
				return
			}
		}
	}
}

// start returns the start of operation i.
func (os *Ops) start(i int32) Time {
	if p := os.list.ref(int(i)); p.off != opFar {
		return os.bases[int(i)/chunkCap] + Time(p.off)
	}
	return os.starts[i]
}

// seq returns the number of the value of operation i, 0 when unknown.
func (os *Ops) seq(i int32) uint64 {
	if p := os.list.ref(int(i)); p.seq != opFar {
		return uint64(p.seq)
	}
	return os.seqs[i]
}

// packSeq returns the seq that keeps value number seq of operation i,
// keeping a big one apart.
func (os *Ops) packSeq(i int32, seq uint64) uint32 {
	if seq < opFar {
		return uint32(seq)
	}
	if os.seqs == nil { // a share has a copy of its own
		os.seqs = map[int32]uint64{}
	}
	os.seqs[i] = seq
	return opFar
}

// end returns the end of operation i, or NoTime.
func (os *Ops) end(i int32) Time {
	return unpackDur(os.start(i), os.list.ref(int(i)).dur, i, os.ends)
}

// add appends op.
func (os *Ops) add(op Op) {
	if os.values == nil {
		os.values = &valueArena{}
	}
	if os.ids == nil {
		os.ids = &gnums{}
	}
	p := packedOp{
		value: os.values.add(op.Value),
		gk:    uint32(op.Kind)<<opKindShift | uint32(os.ids.number(op.G)),
		send:  op.Send, sel: op.Select, stack: op.Stack,
	}
	if op.OK {
		p.gk |= opOK
	}
	os.push(p, op.Start, op.Seq, op.End)
}

// push appends p, which begins at start, carries value number seq and
// ends at end; the other fields are p's.
func (os *Ops) push(p packedOp, start Time, seq uint64, end Time) {
	i := os.list.n
	if int(i)/chunkCap == len(os.bases) {
		os.bases = append(os.bases, start-opBaseBefore)
	}
	p.off = opFar
	if d := start - os.bases[int(i)/chunkCap]; d >= 0 && d < opFar {
		p.off = uint32(d)
	} else {
		if os.starts == nil {
			os.starts = map[int32]Time{}
		}
		os.starts[i] = start
	}
	p.seq = os.packSeq(i, seq)
	p.dur = packDur(start, end, i, &os.ends)
	os.list.add(p)
}

// setEnd sets the end of operation i.
func (os *Ops) setEnd(i int32, end Time) {
	start := os.start(i)
	os.list.mut(int(i)).dur = packDur(start, end, i, &os.ends)
}

// packDur returns the dur that keeps the end of item i of a list, which
// began at start (see packedOp): an end that does not fit goes to *ends,
// made if nil (a share has a copy of its own).
func packDur(start, end Time, i int32, ends *map[int32]Time) uint32 {
	switch {
	case end == NoTime:
		return opOpen
	case longDur(start, end):
		if *ends == nil {
			*ends = map[int32]Time{}
		}
		(*ends)[i] = end
		return opLong
	}
	return uint32(end - start)
}

// longDur reports whether an item that began at start and ended at end
// has an end that packDur keeps apart.
func longDur(start, end Time) bool {
	d := end - start
	return end != NoTime && (d < 0 || d >= opLong)
}

// unpackDur returns the end that dur keeps of item i of a list, which
// began at start, or NoTime: the inverse of packDur.
func unpackDur(start Time, dur uint32, i int32, ends map[int32]Time) Time {
	switch dur {
	case opOpen:
		return NoTime
	case opLong:
		return ends[i]
	}
	return start + Time(dur)
}

// unpack returns operation i, which p keeps.
func (os *Ops) unpack(i int32, p *packedOp) Op {
	return Op{
		G: os.ids.id(int32(p.gk & (maxGoroutines - 1))), Start: os.start(i), End: os.end(i),
		Value: os.values.text(p.value), Seq: os.seq(i), Send: p.send, Select: p.sel, Stack: p.stack,
		Kind: p.kind(), OK: p.ok(),
	}
}

// complete records that operation i completed at t, as the probe's
// annotation a of its completion says: a receive's value number, whether
// it got a value, and the value.
func (os *Ops) complete(i int, t Time, a probe.Annotation) {
	os.setEnd(int32(i), t)
	if a.Verb == probe.VerbRecvd {
		seq := os.packSeq(int32(i), a.Seq)
		p := os.list.mut(i)
		p.seq = seq
		p.gk &^= opOK
		if a.OK {
			p.gk |= opOK
		}
		if a.HasVal && a.Value != os.values.text(p.value) {
			p.value = os.values.add(a.Value)
		}
	}
}

// permute puts the operations in the given order, old indexes in their
// new places, renumbering the sends that receives name. It returns the
// new index of each old one.
func (os *Ops) permute(order []int32) []int32 {
	perm := make([]int32, len(order)) // old index -> new
	for newi, oldi := range order {
		perm[oldi] = int32(newi)
	}
	sorted := Ops{values: os.values, ids: os.ids}
	for _, oldi := range order {
		p := *os.list.ref(int(oldi))
		if p.send >= 0 { // paired for a partial timeline
			p.send = perm[p.send]
		}
		sorted.push(p, os.start(oldi), os.seq(oldi), os.end(oldi))
	}
	*os = sorted
	return perm
}

// share returns operations that share what os holds, their values in
// values and their goroutines numbered in ids: for a partial timeline,
// while the reader goes on.
func (os *Ops) share(values *valueArena, ids *gnums) Ops {
	return Ops{
		list: os.list.share(), bases: slices.Clip(os.bases),
		starts: maps.Clone(os.starts), seqs: maps.Clone(os.seqs), ends: maps.Clone(os.ends),
		values: values, ids: ids,
	}
}

// arenaChunk is how many bytes a chunk of an arena holds: of values here,
// of spans in a byteArena.
const arenaChunk = 1 << 16

// valueArena holds the text of operations' values, in chunks of bytes
// that are written once and never moved: a value's string points into
// them. Each text is kept behind a byte of its length.
type valueArena struct {
	chunks [][]byte
}

// valueRef is where a value's text is in an arena: the chunk in the high
// 16 bits, the offset of its length in the low; the zero valueRef is the
// empty text.
type valueRef uint32

// maxValue is the longest text an arena keeps of a value.
const maxValue = math.MaxUint8

// add copies text into the arena and returns where it is. The probe cuts
// values to MaxValue bytes, far less than maxValue; a longer one, from a
// damaged trace, is cut. An arena holds 4 GiB at most: a value past that
// is not kept.
func (a *valueArena) add(text string) valueRef {
	if text == "" {
		return 0
	}
	text = text[:min(len(text), maxValue)]
	k := len(a.chunks) - 1
	if k < 0 || len(a.chunks[k])+1+len(text) > arenaChunk {
		if len(a.chunks) == math.MaxUint16+1 {
			return 0
		}
		a.chunks = append(a.chunks, make([]byte, 0, arenaChunk))
		k++
		if k == 0 {
			a.chunks[0] = append(a.chunks[0], 0) // no text is at reference 0
		}
	}
	off := len(a.chunks[k])
	a.chunks[k] = append(a.chunks[k], byte(len(text))) // a snapshot's last chunk moves
	a.chunks[k] = append(a.chunks[k], text...)
	return valueRef(k<<16 | off)
}

// text returns the text at ref. The string shares the arena's bytes,
// which are never written again.
func (a *valueArena) text(ref valueRef) string {
	if ref == 0 {
		return ""
	}
	b := a.chunks[ref>>16][ref&math.MaxUint16:]
	return unsafe.String(&b[1], int(b[0]))
}

// snapshot returns an arena that shares what a holds but to which adding
// does not change it: for a partial timeline's values.
func (a *valueArena) snapshot() *valueArena {
	s := &valueArena{chunks: slices.Clone(a.chunks)}
	if k := len(s.chunks) - 1; k >= 0 {
		s.chunks[k] = slices.Clip(s.chunks[k])
	}
	return s
}
