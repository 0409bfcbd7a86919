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
// are kept in chunks (see chunked), in 20 bytes each (see packedBlock),
// and about 5 once a chunk is full and sealed (see sealBlocks), not
// Block's 80: a wait names its reason, site and stack, a triple a
// timeline has few of, by number, its end as a duration, and its waker
// by number (see gnums). The probe's operations and selects that waits
// belong to take 12 bytes more, in a list beside, for a goroutine that
// has any: a trace of a program the probe did not record has none, and
// at 32 bytes a wait, the waits of go test -trace time took 81 MB.
//
// The zero Blocks is empty, and so is a nil *Blocks: a goroutine that
// never waits has none, as most of the 2 million of go test -trace time's
// do, where 48 bytes of Goroutine for the waits made a tenth of its
// timeline. A Timeline's waits are never changed.
type Blocks struct {
	list  chunked[packedBlock]
	rare  *blockRare // nil while it would be empty, as it is for most goroutines
	names *waitNames // what the packed waits name by number
}

// blockRare is what few goroutines' waits need, kept apart to keep Blocks
// in 48 bytes rather than 64: tens of thousands of goroutines of a
// server's test wait.
type blockRare struct {
	ops  chunked[blockOp] // beside list, wait by wait, from the first that belongs to any
	ends map[int32]Time   // the ends of the waits whose dur is opLong

	// By chunk of list: the chunk's waits sealed, its own chunk then
	// nil, or nil while it is open (see sealBlocks).
	sealed []*bitTable
}

// more returns the rare part, made if need be.
func (bs *Blocks) more() *blockRare {
	if bs.rare == nil {
		bs.rare = &blockRare{}
	}
	return bs.rare
}

// longEnds returns the ends too long to pack, or nil.
func (bs *Blocks) longEnds() map[int32]Time {
	if bs.rare == nil {
		return nil
	}
	return bs.rare.ends
}

// packEnd is packDur for wait i, whose end, if too long to pack, goes in
// the rare part.
func (bs *Blocks) packEnd(start, end Time, i int32) uint32 {
	var ends *map[int32]Time
	if longDur(start, end) {
		ends = &bs.more().ends
	}
	return packDur(start, end, i, ends)
}

// packedBlock is a wait as Blocks keep it.
type packedBlock struct {
	start [2]uint32 // Start, its low half first: in halves, the struct takes 20 bytes, not 24
	dur   uint32    // End-Start, or opOpen, or opLong (see packedOp)
	woken uint32    // waitSinceStart, and the number of WokenBy below
	name  uint32    // index into waitNames.names
}

func (p *packedBlock) startTime() Time { return Time(uint64(p.start[0]) | uint64(p.start[1])<<32) }

func (p *packedBlock) setStart(t Time) { p.start = [2]uint32{uint32(t), uint32(uint64(t) >> 32)} }

// blockOp is the probe's channel, operation and select that a wait belongs
// to (see Block), or -1.
type blockOp struct{ ch, op, sel int32 }

// noBlockOp is the blockOp of a wait that belongs to none.
var noBlockOp = blockOp{-1, -1, -1}

// waitSinceStart is the bit of packedBlock.woken that says SinceStart.
const waitSinceStart = 1 << 31

// waitNames are the reasons, sites and stacks that waits name, each
// triple kept once, and the numbers of the goroutines that woke them. The
// waits of all the goroutines a reader builds share one.
type waitNames struct {
	names []waitName
	index map[waitName]uint32 // only where waits are added
	ids   *gnums

	// The names numbered last, by their stacks' low bits: a goroutine
	// mostly waits where it waited before, and hashing the name's two
	// strings in index for each of go test -trace time's 4.7 million
	// waits was a fifteenth of the builder's time.
	recent [8]recentName
}

// recentName is a name numbered lately, i+1, or the zero recentName.
type recentName struct {
	name waitName
	i1   uint32
}

// waitName is a wait's reason, site and stack.
type waitName struct {
	reason, site string
	stack        int32
}

// number returns the number of a wait's name, adding it if new.
func (w *waitNames) number(n waitName) uint32 {
	r := &w.recent[n.stack&7]
	if r.i1 > 0 && r.name == n {
		return r.i1 - 1
	}
	i, ok := w.index[n]
	if !ok {
		if w.index == nil {
			w.index = map[waitName]uint32{}
		}
		i = uint32(len(w.names))
		w.names = append(w.names, n)
		w.index[n] = i
	}
	*r = recentName{n, i + 1}
	return i
}

// MakeBlocks returns waits holding the given ones: for tests and
// timelines built by hand.
func MakeBlocks(blocks ...Block) *Blocks {
	bs := &Blocks{}
	for _, b := range blocks {
		bs.add(b)
	}
	return bs
}

// The fields of a sealed wait.
const (
	sealedStart = iota
	sealedDur
	sealedWoken
	sealedName
	sealedBlockFields
)

// sealBlocks returns waits sealed in a bitTable. A goroutine that waits
// more than a chunk's worth of times, as the eleven thousand of go test
// -trace time that wait 4.7 million times in all, waits mostly where it
// waited before, for about as long, woken by the same few: a full chunk
// of its waits, sealed, takes about 5 bytes a wait rather than 20, which
// saves that timeline 60 MB.
func sealBlocks(ps []packedBlock) *bitTable {
	c := newColumns()
	defer freeColumns(c)
	for i := range ps {
		p := &ps[i]
		c[sealedStart] = append(c[sealedStart], uint64(p.startTime()))
		c[sealedDur] = append(c[sealedDur], uint64(p.dur))
		c[sealedWoken] = append(c[sealedWoken], uint64(p.woken))
		c[sealedName] = append(c[sealedName], uint64(p.name))
	}
	return newBitTable(c, sealedBlockFields)
}

// sealedChunk returns chunk k of the waits sealed, or nil if it is open.
func (bs *Blocks) sealedChunk(k int) *bitTable {
	if bs.rare == nil || k >= len(bs.rare.sealed) {
		return nil
	}
	return bs.rare.sealed[k]
}

// blockAt returns wait i of the sealed waits t.
func blockAt(t *bitTable, i int) packedBlock {
	var p packedBlock
	p.setStart(Time(t.get(i, sealedStart)))
	p.dur = uint32(t.get(i, sealedDur))
	p.woken = uint32(t.get(i, sealedWoken))
	p.name = uint32(t.get(i, sealedName))
	return p
}

// packed returns wait i as it is kept.
func (bs *Blocks) packed(i int) packedBlock {
	if t := bs.sealedChunk(i / chunkCap); t != nil {
		return blockAt(t, i%chunkCap)
	}
	return *bs.list.ref(i)
}

// push appends p, sealing the chunk before when p begins a new one.
func (bs *Blocks) push(p packedBlock) {
	n := int(bs.list.n)
	if n%chunkCap != 0 {
		bs.unseal(n - 1) // sealed by trim
	} else if n > 0 {
		k := n/chunkCap - 1
		buf := bs.seal(k)
		if buf == nil || k < int(bs.list.shared) { // a partial timeline may still read it
			buf = make([]packedBlock, 0, chunkCap)
		}
		bs.list.chunks = append(bs.list.chunks, buf[:0])
	}
	bs.list.add(p)
}

// seal seals chunk k if it is open, and returns what it held.
func (bs *Blocks) seal(k int) []packedBlock {
	r := bs.more()
	for len(r.sealed) <= k {
		r.sealed = append(r.sealed, nil)
	}
	if r.sealed[k] != nil {
		return nil
	}
	chunk := bs.list.chunks[k]
	r.sealed[k], bs.list.chunks[k] = sealBlocks(chunk), nil
	return chunk
}

// unseal opens the sealed chunk that holds wait i, if it is sealed, to
// change it: as rare as a wait that ends after a chunk's worth of waits
// began.
func (bs *Blocks) unseal(i int) {
	k := i / chunkCap
	t := bs.sealedChunk(k)
	if t == nil {
		return
	}
	chunk := make([]packedBlock, 0, chunkCap)
	for j := range t.n {
		chunk = append(chunk, blockAt(t, j))
	}
	bs.list.chunks[k], bs.rare.sealed[k] = chunk, nil
}

// Len returns the number of waits.
func (bs *Blocks) Len() int {
	if bs == nil {
		return 0
	}
	return int(bs.list.n)
}

// At returns wait i.
func (bs *Blocks) At(i int) Block {
	p := bs.packed(i)
	n := bs.names.names[p.name]
	o := bs.opOf(i)
	return Block{
		Reason: n.reason, Start: p.startTime(), End: bs.end(int32(i)),
		WokenBy: bs.names.ids.id(int32(p.woken &^ waitSinceStart)), Site: n.site, Stack: n.stack,
		SinceStart: p.woken&waitSinceStart != 0, Chan: o.ch, Op: o.op, Select: o.sel,
	}
}

// Where returns wait i's reason and site, as At does, at less cost: for a
// census of many goroutines' waits.
func (bs *Blocks) Where(i int) (reason, site string) {
	n := &bs.names.names[bs.packed(i).name]
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
		bs.names = &waitNames{ids: &gnums{}}
	}
	var p packedBlock
	p.setStart(b.Start)
	p.dur = bs.packEnd(b.Start, b.End, bs.list.n)
	p.woken = uint32(bs.names.ids.number(b.WokenBy))
	p.name = bs.names.number(waitName{b.Reason, b.Site, b.Stack})
	if b.SinceStart {
		p.woken |= waitSinceStart
	}
	bs.push(p)
	bs.addOp(blockOp{b.Chan, b.Op, b.Select})
}

// addOp appends o to the list beside, for the wait just appended, making
// the list at the first wait that belongs to an operation or select.
func (bs *Blocks) addOp(o blockOp) {
	if o == noBlockOp && (bs.rare == nil || bs.rare.ops.n == 0) {
		return
	}
	ops := &bs.more().ops
	for ops.n < bs.list.n-1 {
		ops.add(noBlockOp)
	}
	ops.add(o)
}

// opOf returns the operation and select that wait i belongs to.
func (bs *Blocks) opOf(i int) blockOp {
	if bs.rare == nil || i >= int(bs.rare.ops.n) {
		return noBlockOp
	}
	return *bs.rare.ops.ref(i)
}

// end returns the end of wait i, or NoTime.
func (bs *Blocks) end(i int32) Time {
	p := bs.packed(int(i))
	return unpackDur(p.startTime(), p.dur, i, bs.longEnds())
}

// setEnd records that wait i ended at end (NoTime: it has not), made
// runnable by wokenBy. Waits shared with a partial timeline stay as they
// are there.
func (bs *Blocks) setEnd(i int32, end Time, wokenBy GID) {
	bs.unseal(int(i))
	p := bs.list.mut(int(i))
	p.woken = p.woken&waitSinceStart | uint32(bs.names.ids.number(wokenBy))
	p.dur = bs.packEnd(p.startTime(), end, i)
}

// op returns the channel and the operation that wait i belongs to, or -1.
func (bs *Blocks) op(i int) (ch, op int32) {
	o := bs.opOf(i)
	return o.ch, o.op
}

// setOp changes the operation that wait i belongs to, which belonged to
// one before.
func (bs *Blocks) setOp(i int, ch, op int32) {
	o := bs.rare.ops.mut(i)
	o.ch, o.op = ch, op
}

// trim gives back the room the lists keep to grow, for waits that are
// done growing (see chunked.trim), and seals the last chunk if it holds
// enough waits to be worth a table's 150 bytes: sealing the lists of 32
// waits or more of go test -trace time's goroutines that end took 6 MB
// off its timeline's 511.
func (bs *Blocks) trim() {
	if bs == nil {
		return
	}
	if k := len(bs.list.chunks) - 1; k > 0 || k == 0 && len(bs.list.chunks[0]) >= 32 {
		bs.seal(k)
	}
	bs.list.trim()
	if bs.rare != nil {
		bs.rare.ops.trim()
	}
}

// share returns waits that share what bs holds, naming their reasons,
// sites, stacks and wakers in names: for a partial timeline, while the
// reader goes on.
func (bs *Blocks) share(names *waitNames) *Blocks {
	if bs == nil {
		return nil
	}
	s := &Blocks{list: bs.list.share(), names: names}
	if bs.rare != nil {
		s.rare = &blockRare{ops: bs.rare.ops.share(), ends: maps.Clone(bs.rare.ends), sealed: slices.Clone(bs.rare.sealed)}
	}
	return s
}

// view returns waits that share what bs holds, to change, as share does,
// but leaves bs as it is: for the waits of a goroutine that partial
// timelines share, which may be read while the copy changes.
func (bs *Blocks) view() *Blocks {
	if bs == nil {
		return nil
	}
	s := &Blocks{list: bs.list.view(), names: bs.names}
	if bs.rare != nil {
		s.rare = &blockRare{ops: bs.rare.ops.view(), ends: maps.Clone(bs.rare.ends), sealed: slices.Clone(bs.rare.sealed)}
	}
	return s
}

// adopt appends to bs, which must be empty, the waits of q: those of a
// goroutine that a later part of a trace began, which the parts before did
// not know (see stitch.go). Each keeps its number, and is renumbered in
// its packed form, where Blocks.add had it take a third of the stitching:
// its name by name, its waker, channel, operation and select by r. A wait
// begun under an operation or select that the part did not see begin
// belongs to none, since nothing before the part began it.
func (bs *Blocks) adopt(q *Blocks, name func(uint32) uint32, r *renumbering) {
	if ends := q.longEnds(); ends != nil {
		bs.more().ends = ends // the durations too long to pack, by number
	}
	for i := range q.Len() {
		p := q.packed(i)
		p.name = name(p.name)
		p.woken = p.woken&waitSinceStart | uint32(r.g[p.woken&^waitSinceStart])
		bs.push(p)
		o := q.opOf(i)
		if o.ch == inherited {
			o.ch, o.op = -1, -1
		}
		o.ch, o.op = r.op(o.ch, o.op)
		switch {
		case o.sel == inherited:
			o.sel = -1
		case o.sel >= 0:
			o.sel += r.selOff
		}
		bs.addOp(o)
	}
}

// slice returns the waits in a slice of their own.
func (bs *Blocks) slice() []Block {
	out := make([]Block, 0, bs.Len())
	for _, b := range bs.All() {
		out = append(out, b)
	}
	return out
}

// snapshot returns names that share what w holds but to which numbering
// new names does not change them: for a partial timeline's waits, whose
// wakers ids numbers.
func (w *waitNames) snapshot(ids *gnums) *waitNames {
	return &waitNames{names: slices.Clip(w.names), ids: ids}
}
