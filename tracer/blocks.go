package tracer

import (
	"iter"
	"maps"
	"slices"
)

// Blocks are a goroutine's waits, in the order they began. A goroutine of
// a pipeline waits at every handoff, hundreds of thousands of times, and
// a server's test has tens of thousands of goroutines that wait a few
// times each: the waits were, after the steps, most of a timeline. They
// are kept in chunks (see chunked), in 32 bytes each (see packedBlock),
// not Block's 80: a wait names its reason, site and stack, a triple a
// timeline has few of, by number, its end as a duration, and its waker
// by number (see gnums).
//
// The zero Blocks is empty. A Timeline's waits are never changed.
type Blocks struct {
	list  chunked[packedBlock]
	ends  map[int32]Time // the ends of the waits whose dur is opLong
	names *waitNames     // what the packed waits name by number
	ids   *gnums
}

// packedBlock is a wait as Blocks keep it.
type packedBlock struct {
	start       Time
	dur         uint32 // End-Start, or opOpen, or opLong (see packedOp)
	woken       uint32 // waitSinceStart, and the number of WokenBy below
	name        uint32 // index into waitNames.names
	ch, op, sel int32
}

// waitSinceStart is the bit of packedBlock.woken that says SinceStart.
const waitSinceStart = 1 << 31

// waitNames are the reasons, sites and stacks that waits name, each
// triple kept once. The waits of all the goroutines a reader builds share
// one.
type waitNames struct {
	names []waitName
	index map[waitName]uint32 // only where waits are added
}

// waitName is a wait's reason, site and stack.
type waitName struct {
	reason, site string
	stack        int32
}

// number returns the number of a wait's name, adding it if new.
func (w *waitNames) number(n waitName) uint32 {
	if i, ok := w.index[n]; ok {
		return i
	}
	if w.index == nil {
		w.index = map[waitName]uint32{}
	}
	i := uint32(len(w.names))
	w.names = append(w.names, n)
	w.index[n] = i
	return i
}

// MakeBlocks returns waits holding the given ones: for tests and
// timelines built by hand.
func MakeBlocks(blocks ...Block) Blocks {
	var bs Blocks
	for _, b := range blocks {
		bs.add(b)
	}
	return bs
}

// Len returns the number of waits.
func (bs *Blocks) Len() int { return int(bs.list.n) }

// At returns wait i.
func (bs *Blocks) At(i int) Block {
	p := bs.list.ref(i)
	n := bs.names.names[p.name]
	return Block{
		Reason: n.reason, Start: p.start, End: bs.end(int32(i)),
		WokenBy: bs.ids.id(int32(p.woken &^ waitSinceStart)), Site: n.site, Stack: n.stack,
		SinceStart: p.woken&waitSinceStart != 0, Chan: p.ch, Op: p.op, Select: p.sel,
	}
}

// Where returns wait i's reason and site, as At does, at less cost: for a
// census of many goroutines' waits.
func (bs *Blocks) Where(i int) (reason, site string) {
	n := &bs.names.names[bs.list.ref(i).name]
	return n.reason, n.site
}

// All yields the waits in order, with their indexes.
func (bs *Blocks) All() iter.Seq2[int, Block] {
	return func(yield func(int, Block) bool) {
		for i := range bs.Len() {
			if !yield(i, bs.At(i)) {
				return
			}
		}
	}
}

// add appends b, naming its reason, site and stack in bs's names.
func (bs *Blocks) add(b Block) {
	if bs.names == nil {
		bs.names = &waitNames{}
	}
	if bs.ids == nil {
		bs.ids = &gnums{}
	}
	p := packedBlock{
		start: b.Start, ch: b.Chan, op: b.Op, sel: b.Select,
		dur:   packDur(b.Start, b.End, bs.list.n, &bs.ends),
		woken: uint32(bs.ids.number(b.WokenBy)),
		name:  bs.names.number(waitName{b.Reason, b.Site, b.Stack}),
	}
	if b.SinceStart {
		p.woken |= waitSinceStart
	}
	bs.list.add(p)
}

// end returns the end of wait i, or NoTime.
func (bs *Blocks) end(i int32) Time {
	p := bs.list.ref(int(i))
	return unpackDur(p.start, p.dur, i, bs.ends)
}

// setEnd records that wait i ended at end (NoTime: it has not), made
// runnable by wokenBy. Waits shared with a partial timeline stay as they
// are there.
func (bs *Blocks) setEnd(i int32, end Time, wokenBy GID) {
	p := bs.list.mut(int(i))
	p.woken = p.woken&waitSinceStart | uint32(bs.ids.number(wokenBy))
	p.dur = packDur(p.start, end, i, &bs.ends)
}

// op returns the channel and the operation that wait i belongs to, or -1.
func (bs *Blocks) op(i int) (ch, op int32) {
	p := bs.list.ref(i)
	return p.ch, p.op
}

// setOp changes the operation that wait i belongs to.
func (bs *Blocks) setOp(i int, ch, op int32) {
	p := bs.list.mut(i)
	p.ch, p.op = ch, op
}

// share returns waits that share what bs holds, naming their reasons,
// sites and stacks in names and their wakers in ids: for a partial
// timeline, while the reader goes on.
func (bs *Blocks) share(names *waitNames, ids *gnums) Blocks {
	return Blocks{list: bs.list.share(), ends: maps.Clone(bs.ends), names: names, ids: ids}
}

// adopt appends to bs, which must be empty, the waits of q: those of a
// goroutine that a later part of a trace began, which the parts before did
// not know (see stitch.go). Each keeps its number, and is renumbered in
// its packed form, where Blocks.add had it take a third of the stitching:
// its name by name, its waker, channel, operation and select by r. A wait
// begun under an operation or select that the part did not see begin
// belongs to none, since nothing before the part began it.
func (bs *Blocks) adopt(q *Blocks, name func(uint32) uint32, r *renumbering) {
	bs.ends = q.ends // the durations too long to pack, by number
	for i := range q.Len() {
		p := *q.list.ref(i)
		p.name = name(p.name)
		p.woken = p.woken&waitSinceStart | uint32(r.g[p.woken&^waitSinceStart])
		if p.ch == inherited {
			p.ch, p.op = -1, -1
		}
		p.ch, p.op = r.op(p.ch, p.op)
		switch {
		case p.sel == inherited:
			p.sel = -1
		case p.sel >= 0:
			p.sel += r.selOff
		}
		bs.list.add(p)
	}
}

// slice returns the waits in a slice of their own.
func (bs *Blocks) slice() []Block {
	out := make([]Block, 0, bs.list.n)
	for _, b := range bs.All() {
		out = append(out, b)
	}
	return out
}

// snapshot returns names that share what w holds but to which numbering
// new names does not change them: for a partial timeline's waits.
func (w *waitNames) snapshot() *waitNames {
	return &waitNames{names: slices.Clip(w.names)}
}
