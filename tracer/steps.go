package tracer

import (
	"iter"
	"slices"
)

// stepChunk is how many steps a chunk of Steps holds.
const stepChunk = 1 << 14

// Steps are a timeline's steps in time order. A trace has a step for
// about every other event, millions of them, which are kept in chunks of
// stepChunk: appending never copies what is there (a slice grown by
// append copied the steps several times over, a sixth of the reading's
// CPU), and the reader hands its chunks to the timeline as they are (a
// copy into one slice at the end of the read was a fifth of its peak
// memory).
//
// The zero Steps is empty. A Timeline's steps are never changed.
type Steps struct {
	chunks [][]Step
	off    int // steps before the first, in the first chunk
	n      int
	shared int // chunks[:shared] may be shared with other Steps
}

// MakeSteps returns steps holding the given ones, which must be in time
// order: for tests and timelines built by hand.
func MakeSteps(steps ...Step) Steps {
	var s Steps
	for _, st := range steps {
		s.add(st)
	}
	return s
}

// Len returns the number of steps.
func (s *Steps) Len() int { return s.n }

// At returns step i.
func (s *Steps) At(i int) Step { return *s.ref(i) }

// All yields the steps in order, with their indexes.
func (s *Steps) All() iter.Seq2[int, Step] {
	return func(yield func(int, Step) bool) {
		for i := range s.n {
			if !yield(i, *s.ref(i)) {
				return
			}
		}
	}
}

// Search returns the index of the first step at t or later, or Len() if
// there is none.
func (s *Steps) Search(t Time) int {
	lo, hi := 0, s.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.ref(m).Time < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// add appends st. Steps cut by keep are not appended to.
func (s *Steps) add(st Step) {
	if k := len(s.chunks); k == 0 || len(s.chunks[k-1]) == stepChunk {
		s.chunks = append(s.chunks, make([]Step, 0, stepChunk))
	}
	last := &s.chunks[len(s.chunks)-1]
	*last = append(*last, st)
	s.n++
}

// ref returns a pointer to step i.
func (s *Steps) ref(i int) *Step {
	i += s.off
	return &s.chunks[i/stepChunk][i%stepChunk]
}

// keep cuts the steps down to those from index from up to index to, and
// lets go of the chunks that hold none of them.
func (s *Steps) keep(from, to int) {
	from += s.off
	to += s.off
	first := from / stepChunk
	s.chunks = slices.Clip(s.chunks[first : (to+stepChunk-1)/stepChunk])
	s.off, s.n, s.shared = from%stepChunk, to-from, max(s.shared-first, 0)
}

// share returns steps that share the chunks of s but to which appending
// does not change s, nor appending to s them: for a partial timeline,
// while the reader goes on. Steps are changed after they are appended only
// by rewrite, which copies a shared chunk before it changes it.
func (s *Steps) share() Steps {
	c := Steps{chunks: slices.Clone(s.chunks), off: s.off, n: s.n, shared: len(s.chunks)}
	if k := len(c.chunks) - 1; k >= 0 {
		c.chunks[k] = slices.Clip(c.chunks[k])
	}
	s.shared = len(s.chunks)
	return c
}

// rewrite calls change on every step, and keeps the steps it reports it
// changed. A shared chunk is copied before its first step changes, so that
// steps shared with a partial timeline stay as they are there.
func (s *Steps) rewrite(change func(Step) (Step, bool)) {
	for k, chunk := range s.chunks {
		owned := k >= s.shared
		for i := range chunk {
			st, changed := change(chunk[i])
			if !changed {
				continue
			}
			if !owned {
				chunk = slices.Clone(chunk)
				s.chunks[k], owned = chunk, true
			}
			chunk[i] = st
		}
	}
}
