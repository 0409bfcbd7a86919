package tracer

import (
	"iter"
	"slices"
	"unsafe"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// Ops are a channel's operations, in the order they began (Read sorts
// them so). A channel of a pipeline has hundreds of thousands, the
// largest part of a scenario's timeline. They are kept in chunks (see
// chunked), in 56 bytes each with the values' text in an arena of bytes
// shared by a reader's channels: an Op takes 64 and its value a string
// of its own, which the collector had to visit, one by one.
//
// The zero Ops is empty. A Timeline's operations are never changed.
type Ops struct {
	list   chunked[packedOp]
	values *valueArena
}

// packedOp is an operation as Ops keep it: an Op, with its value a
// reference into the arena.
type packedOp struct {
	g                GID
	start, end       Time
	seq              uint64
	value            valueRef
	send, sel, stack int32
	kind             OpKind
	ok               bool
}

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
func (os *Ops) At(i int) Op { return os.unpack(os.list.ref(i)) }

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

// add appends op.
func (os *Ops) add(op Op) {
	if os.values == nil {
		os.values = &valueArena{}
	}
	os.list.add(os.pack(op, valueRef{}, ""))
}

// set changes operation i to op.
func (os *Ops) set(i int, op Op) {
	p := os.list.mut(i)
	*p = os.pack(op, p.value, os.values.text(p.value))
}

// pack returns op packed, its value the reference ref when it is the
// text old, and a new one in the arena otherwise.
func (os *Ops) pack(op Op, ref valueRef, old string) packedOp {
	if op.Value != old {
		ref = os.values.add(op.Value)
	}
	return packedOp{
		g: op.G, start: op.Start, end: op.End, seq: op.Seq, value: ref,
		send: op.Send, sel: op.Select, stack: op.Stack, kind: op.Kind, ok: op.OK,
	}
}

// unpack returns the operation p keeps.
func (os *Ops) unpack(p *packedOp) Op {
	return Op{
		G: p.g, Start: p.start, End: p.end, Value: os.values.text(p.value), Seq: p.seq,
		Send: p.send, Select: p.sel, Stack: p.stack, Kind: p.kind, OK: p.ok,
	}
}

// complete records that operation i completed at t, as the probe's
// annotation a of its completion says: a receive's value number, whether
// it got a value, and the value.
func (os *Ops) complete(i int, t Time, a probe.Annotation) {
	p := os.list.mut(i)
	p.end = t
	if a.Verb == probe.VerbRecvd {
		p.seq, p.ok = a.Seq, a.OK
		if a.HasVal && a.Value != os.values.text(p.value) {
			p.value = os.values.add(a.Value)
		}
	}
}

// share returns operations that share what os holds, their values in
// values: for a partial timeline, while the reader goes on.
func (os *Ops) share(values *valueArena) Ops {
	return Ops{list: os.list.share(), values: values}
}

// arenaChunk is how many bytes of values a chunk of an arena holds.
const arenaChunk = 64 << 10

// valueArena holds the text of operations' values, in chunks of bytes
// that are written once and never moved: a value's string points into
// them.
type valueArena struct {
	chunks [][]byte
}

// valueRef is where a value's text is in an arena: chunk, offset and
// length; the zero valueRef is the empty text.
type valueRef struct {
	chunk    uint32
	off, len uint16
}

// add copies text into the arena and returns where it is. The probe cuts
// values to MaxValue bytes, far less than a chunk; a longer one, from a
// damaged trace, is cut to a chunk.
func (a *valueArena) add(text string) valueRef {
	if text == "" {
		return valueRef{}
	}
	text = text[:min(len(text), arenaChunk-1)]
	k := len(a.chunks) - 1
	if k < 0 || len(a.chunks[k])+len(text) > arenaChunk {
		a.chunks = append(a.chunks, make([]byte, 0, arenaChunk))
		k++
	}
	off := len(a.chunks[k])
	a.chunks[k] = append(a.chunks[k], text...) // a snapshot's last chunk moves
	return valueRef{chunk: uint32(k), off: uint16(off), len: uint16(len(text))}
}

// text returns the text at ref. The string shares the arena's bytes,
// which are never written again.
func (a *valueArena) text(ref valueRef) string {
	if ref.len == 0 {
		return ""
	}
	b := a.chunks[ref.chunk][ref.off:]
	return unsafe.String(&b[0], int(ref.len))
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
