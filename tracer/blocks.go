package tracer

import (
	"iter"
	"slices"
)

// Blocks are a goroutine's waits, in the order they began. A goroutine of
// a pipeline waits at every handoff, hundreds of thousands of times, and
// a server's test has tens of thousands of goroutines that wait a few
// times each: the waits were, after the steps, most of a timeline. They
// are kept in 48 bytes each, not Block's 80 (a wait names its reason and
// site, a pair a timeline has few of, by number), in chunks (see
// chunked).
//
// The zero Blocks is empty. A Timeline's waits are never changed.
type Blocks struct {
	list  chunked[packedBlock]
	names *waitNames // what the packed waits name by number
}

// packedBlock is a wait as Blocks keep it.
type packedBlock struct {
	start, end  Time
	wokenBy     GID
	stack       int32
	ch, op, sel int32
	name        uint32 // index into waitNames.pairs
	sinceStart  bool
}

// waitNames are the reasons and sites that waits name, each pair kept
// once. The waits of all the goroutines a reader builds share one.
type waitNames struct {
	pairs []waitName
	index map[waitName]uint32 // only where waits are added
}

// waitName is a wait's reason and site.
type waitName struct{ reason, site string }

// number returns the number of a reason and site, adding them if new.
func (w *waitNames) number(n waitName) uint32 {
	if i, ok := w.index[n]; ok {
		return i
	}
	if w.index == nil {
		w.index = map[waitName]uint32{}
	}
	i := uint32(len(w.pairs))
	w.pairs = append(w.pairs, n)
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
func (bs *Blocks) Len() int { return bs.list.n }

// At returns wait i.
func (bs *Blocks) At(i int) Block { return bs.unpack(bs.list.ref(i)) }

// All yields the waits in order, with their indexes.
func (bs *Blocks) All() iter.Seq2[int, Block] {
	return func(yield func(int, Block) bool) {
		for i := range bs.list.n {
			if !yield(i, bs.At(i)) {
				return
			}
		}
	}
}

// add appends b, naming its reason and site in bs's names.
func (bs *Blocks) add(b Block) {
	if bs.names == nil {
		bs.names = &waitNames{}
	}
	bs.list.add(packedBlock{
		start: b.Start, end: b.End, wokenBy: b.WokenBy, stack: b.Stack,
		ch: b.Chan, op: b.Op, sel: b.Select, sinceStart: b.SinceStart,
		name: bs.names.number(waitName{b.Reason, b.Site}),
	})
}

// unpack returns the wait p keeps.
func (bs *Blocks) unpack(p *packedBlock) Block {
	n := bs.names.pairs[p.name]
	return Block{
		Reason: n.reason, Start: p.start, End: p.end, WokenBy: p.wokenBy,
		Site: n.site, Stack: p.stack, SinceStart: p.sinceStart,
		Chan: p.ch, Op: p.op, Select: p.sel,
	}
}

// ref returns a pointer to wait i as it is kept, to read.
func (bs *Blocks) ref(i int) *packedBlock { return bs.list.ref(i) }

// mut returns a pointer to wait i as it is kept, for the reader to change
// it: waits shared with a partial timeline stay as they are there.
func (bs *Blocks) mut(i int) *packedBlock { return bs.list.mut(i) }

// share returns waits that share what bs holds, naming their reasons and
// sites in names: for a partial timeline, while the reader goes on.
func (bs *Blocks) share(names *waitNames) Blocks {
	return Blocks{list: bs.list.share(), names: names}
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
	return &waitNames{pairs: slices.Clip(w.pairs)}
}
