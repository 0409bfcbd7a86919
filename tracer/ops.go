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
// chunked), in 40 bytes each (see packedOp), where an Op takes 64 and its
// value a string of its own, which the collector had to visit, one by
// one.
//
// The zero Ops is empty. A Timeline's operations are never changed.
type Ops struct {
	list   chunked[packedOp]
	ends   map[int32]Time // the ends of the operations whose dur is opLong
	values *valueArena
	ids    *gnums
}

// packedOp is an operation as Ops keep it: its end as a duration from its
// start, its goroutine by number (see gnums) with its kind and OK in the
// spare bits, and its value as a reference into the arena.
type packedOp struct {
	start            Time
	seq              uint64
	dur              uint32 // End-Start, or opOpen, or opLong
	gk               uint32 // kind<<29 | ok<<28 | the goroutine's number
	value            valueRef
	send, sel, stack int32
}

// The durations of a packedOp that are not: an operation that never
// completed, and one whose end is kept apart, in Ops.ends, as that of one
// that took more than 4.29 s (or ended before it began) is.
const (
	opOpen = math.MaxUint32
	opLong = math.MaxUint32 - 1
)

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
func (os *Ops) Len() int { return os.list.n }

// At returns operation i.
func (os *Ops) At(i int) Op { return os.unpack(int32(i), os.list.ref(i)) }

// All yields the operations in order, with their indexes.
func (os *Ops) All() iter.Seq2[int, Op] {
	return func(yield func(int, Op) bool) {
		for i := range os.list.n {
			if !yield(i, os.At(i)) {
				return
			}
		}
	}
}

// end returns the end of operation i, or NoTime.
func (os *Ops) end(i int32) Time {
	p := os.list.ref(int(i))
	switch p.dur {
	case opOpen:
		return NoTime
	case opLong:
		return os.ends[i]
	}
	return p.start + Time(p.dur)
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
		start: op.Start, seq: op.Seq, value: os.values.add(op.Value),
		gk:   uint32(op.Kind)<<opKindShift | uint32(os.ids.number(op.G)),
		send: op.Send, sel: op.Select, stack: op.Stack,
	}
	if op.OK {
		p.gk |= opOK
	}
	os.list.add(p)
	os.setEnd(int32(os.list.n-1), op.End)
}

// setEnd sets the end of operation i.
func (os *Ops) setEnd(i int32, end Time) {
	p := os.list.mut(int(i))
	p.dur = packDur(p.start, end, i, &os.ends)
}

// packDur returns the dur that keeps the end of item i of a list, which
// began at start (see packedOp): an end that does not fit goes to *ends,
// made if nil (a share has a copy of its own).
func packDur(start, end Time, i int32, ends *map[int32]Time) uint32 {
	d := end - start
	switch {
	case end == NoTime:
		return opOpen
	case d < 0 || d >= opLong:
		if *ends == nil {
			*ends = map[int32]Time{}
		}
		(*ends)[i] = end
		return opLong
	}
	return uint32(d)
}

// unpack returns operation i, which p keeps.
func (os *Ops) unpack(i int32, p *packedOp) Op {
	return Op{
		G: os.ids.id(int32(p.gk & (maxGoroutines - 1))), Start: p.start, End: os.end(i),
		Value: os.values.text(p.value), Seq: p.seq, Send: p.send, Select: p.sel, Stack: p.stack,
		Kind: p.kind(), OK: p.ok(),
	}
}

// complete records that operation i completed at t, as the probe's
// annotation a of its completion says: a receive's value number, whether
// it got a value, and the value.
func (os *Ops) complete(i int, t Time, a probe.Annotation) {
	os.setEnd(int32(i), t)
	if a.Verb == probe.VerbRecvd {
		p := os.list.mut(i)
		p.seq = a.Seq
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
	var list chunked[packedOp]
	var ends map[int32]Time
	for newi, oldi := range order {
		p := *os.list.ref(int(oldi))
		if p.send >= 0 { // paired for a partial timeline
			p.send = perm[p.send]
		}
		if p.dur == opLong {
			if ends == nil {
				ends = map[int32]Time{}
			}
			ends[int32(newi)] = os.ends[oldi]
		}
		list.add(p) // in the same arena of values
	}
	os.list, os.ends = list, ends
	return perm
}

// share returns operations that share what os holds, their values in
// values and their goroutines numbered in ids: for a partial timeline,
// while the reader goes on.
func (os *Ops) share(values *valueArena, ids *gnums) Ops {
	return Ops{list: os.list.share(), ends: maps.Clone(os.ends), values: values, ids: ids}
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
