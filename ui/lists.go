package ui

import (
	"iter"
	"math"
	"math/bits"
	"sort"
)

// The index keeps millions of step numbers. These lists keep them in
// less memory than a slice each: a pipeline of 800,000 steps shows all
// but a few hundred runs of them, and a server's test has tens of
// thousands of goroutines with a few steps each, whose lists in a map of
// slices took more than their numbers.

// shownSteps are the steps shown, numbers into the timeline's steps in
// ascending order, by their positions from 0. They are kept as runs of
// consecutive numbers, or where there would be more than half as many
// runs as steps, as the numbers themselves.
type shownSteps struct {
	runs  []stepRun // by position
	plain []int32   // the numbers, if not kept as runs
	n     int
}

// stepRun is a run of consecutive step numbers from step on, at
// positions from pos on.
type stepRun struct{ pos, step int32 }

// add appends step k, which must be greater than the last.
func (s *shownSteps) add(k int32) {
	if last := len(s.runs) - 1; last < 0 || s.runs[last].step+int32(s.n)-s.runs[last].pos != k {
		s.runs = append(s.runs, stepRun{pos: int32(s.n), step: k})
	}
	s.n++
}

// done ends the adding, and keeps the numbers themselves if runs would
// take more room.
func (s *shownSteps) done() {
	if len(s.runs) <= s.n/2 {
		return
	}
	s.plain = make([]int32, s.n)
	for pos := range s.n {
		s.plain[pos] = s.at(pos)
	}
	s.runs = nil
}

// Len returns the number of steps shown.
func (s *shownSteps) Len() int { return s.n }

// At returns the number of the step shown at position pos.
func (s *shownSteps) At(pos int) int32 {
	if s.plain != nil {
		return s.plain[pos]
	}
	return s.at(pos)
}

func (s *shownSteps) at(pos int) int32 {
	r := s.runs[s.run(pos)]
	return r.step + int32(pos) - r.pos
}

// run returns the index of the run that holds position pos.
func (s *shownSteps) run(pos int) int {
	if len(s.runs) == 1 {
		return 0
	}
	return sort.Search(len(s.runs), func(i int) bool { return int(s.runs[i].pos) > pos }) - 1
}

// All yields the positions and numbers of the steps shown, in order.
func (s *shownSteps) All() iter.Seq2[int, int32] {
	return func(yield func(int, int32) bool) {
		for pos := range s.n {
			if !yield(pos, s.At(pos)) {
				return
			}
		}
	}
}

// Search returns the first position whose step number f is true of, or
// Len() if there is none; f must be false and then true along the steps.
func (s *shownSteps) Search(f func(k int32) bool) int {
	return sort.Search(s.n, func(pos int) bool { return f(s.At(pos)) })
}

// PosOf returns the position of the last step shown at or before step k,
// or 0.
func (s *shownSteps) PosOf(k int32) int {
	return max(s.Search(func(x int32) bool { return x > k })-1, 0)
}

// glists are lists of positions, one for each goroutine numbered from 0,
// kept one after another in one slice.
type glists struct {
	start []int32 // list g is data[start[g]:start[g+1]]; nil when all are empty
	data  []int32
}

// Lists are made in two passes over their items, in no more room than
// they take: newGlists, count for each item, open, then put each item.
// Until the last is put, start[g+1] counts g's items, then says where
// g's next one goes, which ends up where g+1's list begins. (A count and
// a place to fill for each list, apart from the starts, were 32 MB more at
// the peak of an index of 2 million goroutines.)

// newGlists returns n lists to count the items of.
func newGlists(n int) glists { return glists{start: make([]int32, n+1)} }

// count counts an item of list g.
func (l *glists) count(g int32) { l.start[g+1]++ }

// open ends the counting and makes the room for the items. When every
// list is empty, as the marks of a trace without annotations are, they
// take no room: 8 MB for 2 million goroutines.
func (l *glists) open() {
	at := openStarts(l.start)
	if at == 0 {
		*l = glists{}
		return
	}
	l.data = make([]int32, at)
}

// openStarts turns the counts of the lists in start (start[g+1] counts
// list g's items) into where each list's next item goes (start[g+1] is
// where list g begins), and returns the number of items.
func openStarts(start []int32) int32 {
	at := int32(0)
	for g := 1; g < len(start); g++ {
		n := start[g]
		start[g] = at
		at += n
	}
	return at
}

// put appends v to list g, which must have room for it, and returns the
// index in data where it went.
func (l *glists) put(g, v int32) int32 {
	at := l.start[g+1]
	l.data[at] = v
	l.start[g+1]++
	return at
}

// of returns the list of goroutine g, or nil for g < 0. Its items are the
// lists' own: the caller must not change them.
func (l *glists) of(g int32) []int32 {
	if g < 0 || l.start == nil {
		return nil
	}
	from, to := l.start[g], l.start[g+1]
	return l.data[from:to:to]
}

// bitset is a set of small integers from 0, a bit each.
type bitset []uint64

// newBitset returns an empty set for the integers below n.
func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }

// lastIn returns the greatest member of b in [from, to), or -1. It looks
// at a word of 64 at a time.
func (b bitset) lastIn(from, to int) int {
	for to > from {
		w := (to - 1) / 64
		word := b[w] & (1<<((to-1)%64+1) - 1) // to-1 and below
		lo := w * 64
		if lo < from {
			word &^= 1<<(from-lo) - 1
		}
		if word != 0 {
			return lo + bits.Len64(word) - 1
		}
		to = lo
	}
	return -1
}

// packedInts are int32 values kept in blocks of intBlock, each value less
// the least of its block, in as many bits as the spread of its block
// needs. The positions of the navigation lists (see navLists) are each
// goroutine's steps one after another, in order, and goroutines follow
// each other in order of creation: the values of a block are close
// together. On the 13.5 million steps of go test -trace time, a position
// takes 11 bits rather than 32, and the lists 24 MB rather than 70.
type packedInts struct {
	words  []uint64 // with two words to spare past the values, for at to read
	blocks []intBlockHead
}

// intBlock is how many values a block of packedInts holds.
const intBlock = 256

// intBlockHead says where a block of packedInts begins, and how its values
// are packed.
type intBlockHead struct {
	min   int32
	word  uint32 // its first word: 2^31 items of 32 bits fill 2^30 words
	width uint8  // bits a value
}

// glistPacker makes packedGlists without ever holding their items
// unpacked, which would double the lists' room while they are made: it
// goes through the items three times, in the same order each time. As
// glists: newGlistPacker, count for each item, open; then bound for each
// item, to find each block's spread, and pack; then place each item.
type glistPacker struct {
	start  []int32 // as glists.start
	n      int32   // the items of all the lists, once counted
	lo, hi []int32 // by block: the least and the greatest item
	data   packedInts
}

// newGlistPacker returns a packer of n lists to count the items of.
func newGlistPacker(n int) glistPacker { return glistPacker{start: make([]int32, n+1)} }

// count counts an item of list g.
func (p *glistPacker) count(g int32) { p.start[g+1]++ }

// open ends the counting.
func (p *glistPacker) open() {
	p.n = openStarts(p.start)
	blocks := (int(p.n) + intBlock - 1) / intBlock
	p.lo, p.hi = make([]int32, blocks), make([]int32, blocks)
	for b := range blocks {
		p.lo[b], p.hi[b] = math.MaxInt32, math.MinInt32
	}
}

// bound notes v, the next item of list g.
func (p *glistPacker) bound(g, v int32) {
	b := p.start[g+1] / intBlock
	p.start[g+1]++
	p.lo[b], p.hi[b] = min(p.lo[b], v), max(p.hi[b], v)
}

// pack makes the room for the items, packed as bound found them, and
// goes back to the start of each list.
func (p *glistPacker) pack() {
	n := int(p.n)
	p.data.blocks = make([]intBlockHead, len(p.lo))
	words := 0
	for b := range p.lo {
		w := uint8(bits.Len32(uint32(p.hi[b] - p.lo[b])))
		p.data.blocks[b] = intBlockHead{min: p.lo[b], word: uint32(words), width: w}
		words += (min(intBlock, n-b*intBlock)*int(w) + 63) / 64
	}
	p.data.words = make([]uint64, words+2)
	p.lo, p.hi = nil, nil
	for g := len(p.start) - 1; g > 0; g-- {
		p.start[g] = p.start[g-1]
	}
}

// place puts v, the next item of list g, and returns its index among the
// items of all the lists.
func (p *glistPacker) place(g, v int32) int32 {
	i := p.start[g+1]
	p.start[g+1]++
	b := &p.data.blocks[i/intBlock]
	off := uint(b.word)*64 + uint(i%intBlock)*uint(b.width)
	x := uint64(uint32(v - b.min))
	p.data.words[off/64] |= x << (off % 64)
	if off%64 > 0 {
		p.data.words[off/64+1] |= x >> (64 - off%64)
	}
	return i
}

// done returns the lists, once every item is placed.
func (p *glistPacker) done() packedGlists {
	if p.n == 0 {
		return packedGlists{}
	}
	return packedGlists{start: p.start, data: p.data}
}

// total returns the number of items of all the lists, once counted.
func (p *glistPacker) total() int { return int(p.n) }

// at returns value i.
func (p *packedInts) at(i int) int32 {
	b := &p.blocks[i/intBlock]
	off := uint(b.word)*64 + uint(i%intBlock)*uint(b.width)
	w, s := off/64, off%64
	x := p.words[w]>>s | p.words[w+1]<<(64-s)
	return b.min + int32(uint32(x&(1<<b.width-1)))
}

// packedGlists are glists done growing, packed (see packedInts).
type packedGlists struct {
	start []int32 // as glists.start
	data  packedInts
}

// of returns the list of goroutine g, empty for g < 0.
func (l *packedGlists) of(g int32) glist {
	if g < 0 || l.start == nil {
		return glist{}
	}
	return glist{&l.data, l.start[g], l.start[g+1]}
}

// len returns the number of items in all the lists.
func (l *packedGlists) len() int {
	if l.start == nil {
		return 0
	}
	return int(l.start[len(l.start)-1])
}

// glist is one goroutine's list of packedGlists: items from up to to.
type glist struct {
	data     *packedInts
	from, to int32
}

// len returns the number of items.
func (l glist) len() int { return int(l.to - l.from) }

// at returns item k.
func (l glist) at(k int) int32 { return l.data.at(int(l.from) + k) }

// search returns the index of the first item at least v, or len() if
// there is none.
func (l glist) search(v int32) int {
	lo, hi := 0, l.len() // the answer is in [lo, hi]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.at(m) < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
