package tracer

import "slices"

// Stacks are a timeline's stacks, each kept once, and numbered from 0 in
// the order the reader met them: Block.Stack, Op.Stack and the others
// are such numbers. Their frames are kept once too, each stack a list of
// frame numbers: the stacks of a server's goroutines share most of their
// frames, and a 13 MB trace of go test net/http has 10,041 stacks of
// 113,064 frames, 40 bytes each, but few distinct ones.
//
// The zero Stacks is empty. A Timeline's stacks are never changed.
type Stacks struct {
	frames []Frame // each distinct frame once
	ids    []int32 // the stacks' frame numbers, one stack after another
	starts []int32 // where each stack's numbers begin in ids

	// index numbers the frames while stacks are added; a copy of the
	// stacks for a partial timeline has none.
	index map[Frame]int32
}

// MakeStacks returns stacks holding the given ones, numbered in that
// order: for tests and timelines built by hand.
func MakeStacks(stacks ...[]Frame) Stacks {
	var s Stacks
	for _, frames := range stacks {
		s.add(frames)
	}
	return s
}

// Len returns the number of stacks.
func (s *Stacks) Len() int { return len(s.starts) }

// At returns the frames of stack i, innermost first, in a slice of their
// own.
func (s *Stacks) At(i int32) []Frame {
	ids := s.frameIDs(i)
	frames := make([]Frame, len(ids))
	for k, id := range ids {
		frames[k] = s.frames[id]
	}
	return frames
}

// Outermost returns the outermost frame of stack i, which must have one.
func (s *Stacks) Outermost(i int32) Frame {
	ids := s.frameIDs(i)
	return s.frames[ids[len(ids)-1]]
}

// frameIDs returns the frame numbers of stack i.
func (s *Stacks) frameIDs(i int32) []int32 {
	end := len(s.ids)
	if int(i)+1 < len(s.starts) {
		end = int(s.starts[i+1])
	}
	return s.ids[s.starts[i]:end]
}

// add appends a stack and returns its number.
func (s *Stacks) add(frames []Frame) int32 {
	if s.index == nil {
		s.index = make(map[Frame]int32, len(s.frames))
		for k, f := range s.frames {
			s.index[f] = int32(k)
		}
	}
	s.starts = append(s.starts, int32(len(s.ids)))
	for _, f := range frames {
		id, ok := s.index[f]
		if !ok {
			id = int32(len(s.frames))
			s.frames = append(s.frames, f)
			s.index[f] = id
		}
		s.ids = append(s.ids, id)
	}
	return int32(len(s.starts) - 1)
}

// clip returns stacks that share what s holds but to which adding does
// not change s, nor adding to s them: a partial timeline's.
func (s *Stacks) clip() Stacks {
	return Stacks{frames: slices.Clip(s.frames), ids: slices.Clip(s.ids), starts: slices.Clip(s.starts)}
}
