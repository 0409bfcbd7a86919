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
// memory). Each step is kept in 32 bytes, not Step's 48: of the fields
// Other, Chan, Op, Block, Select and Log, a step has those its kind uses
// (see Step), and the others are -1 (NoG for Other).
//
// The zero Steps is empty. A Timeline's steps are never changed.
type Steps struct {
	chunks [][]packedStep
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
func (s *Steps) At(i int) Step { return s.ref(i).unpack() }

// Time returns the time of step i, at less cost than At.
func (s *Steps) Time(i int) Time { return s.ref(i).time }

// All yields the steps in order, with their indexes.
func (s *Steps) All() iter.Seq2[int, Step] {
	return func(yield func(int, Step) bool) {
		i, from := 0, s.off
		for _, chunk := range s.chunks {
			for j := from; j < len(chunk) && i < s.n; j++ {
				if !yield(i, chunk[j].unpack()) {
					return
				}
				i++
			}
			from = 0
		}
	}
}

// Search returns the index of the first step at t or later, or Len() if
// there is none.
func (s *Steps) Search(t Time) int {
	lo, hi := 0, s.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.ref(m).time < t {
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
		s.chunks = append(s.chunks, make([]packedStep, 0, stepChunk))
	}
	last := &s.chunks[len(s.chunks)-1]
	*last = append(*last, pack(st))
	s.n++
}

// ref returns a pointer to step i as it is kept.
func (s *Steps) ref(i int) *packedStep {
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
			st, changed := change(chunk[i].unpack())
			if !changed {
				continue
			}
			if !owned {
				chunk = slices.Clone(chunk)
				s.chunks[k], owned = chunk, true
			}
			chunk[i] = pack(st)
		}
	}
}

// packedStep is a step as Steps keep it.
type packedStep struct {
	time Time
	g    GID
	a    int64 // Other; or Chan and Op, 32 bits each
	b    int32 // Block, Log or Select
	kind StepKind
}

// pack returns the packed form of s, which keeps the fields its kind uses.
func pack(s Step) packedStep {
	p := packedStep{time: s.Time, g: s.G, a: -1, b: -1, kind: s.Kind}
	switch s.Kind {
	case StepCreate, StepWake:
		p.a = int64(s.Other)
	case StepBlock:
		p.b = s.Block
	case StepLog:
		p.b = s.Log
	case StepMake, StepSend, StepRecv, StepClose, StepSelect:
		p.a = int64(uint64(uint32(s.Chan))<<32 | uint64(uint32(s.Op)))
		if s.Kind == StepSelect {
			p.b = s.Select
		}
	}
	return p
}

// unpack returns the step p keeps.
func (p *packedStep) unpack() Step {
	s := Step{Time: p.time, G: p.g, Other: NoG, Chan: -1, Op: -1, Block: -1, Select: -1, Log: -1, Kind: p.kind}
	switch p.kind {
	case StepCreate, StepWake:
		s.Other = GID(p.a)
	case StepBlock:
		s.Block = p.b
	case StepLog:
		s.Log = p.b
	case StepMake, StepSend, StepRecv, StepClose, StepSelect:
		s.Chan, s.Op = int32(uint64(p.a)>>32), int32(uint32(p.a))
		if p.kind == StepSelect {
			s.Select = p.b
		}
	}
	return s
}
