package ui

import (
	"iter"
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
	at := int32(0)
	for g := 1; g < len(l.start); g++ {
		n := l.start[g]
		l.start[g] = at
		at += n
	}
	if at == 0 {
		*l = glists{}
		return
	}
	l.data = make([]int32, at)
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
