package tracer

import (
	"iter"
	"math"
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
// Each step is kept in 12 bytes, not Step's 48 (see packedStep), while
// its chunk fills, and in fewer once it is full (see stepsChunk): its time
// counts from its chunk's, its goroutines are numbered (see gnums), and of
// the fields Other, Chan, Op, Block, Select and Log it keeps the one its
// kind uses (see Step), the others being -1 (NoG for Other). The steps of
// the probe's channel operations keep their Op apart, in ops, and a
// select step its select, in sels. A trace the probe did not record has
// none of those, and in 16 bytes a step, the 5.3 million steps of go test
// -trace time took 81 MB.
//
// The zero Steps is empty. A Timeline's steps are never changed.
type Steps struct {
	chunks []stepsChunk
	ops    [][]int32 // ops[k][i]: the Op of chunk k's step i, a channel's; nil for a chunk with none
	bases  []Time    // bases[k]: the time chunk k's steps count from
	later  []rebase  // later bases, by position: rarely any
	sels   []stepSel // the selects of the select steps, by position
	ids    *gnums
	off    int // steps before the first, in the first chunk
	n      int
	shared int // chunks[:shared] may be shared with other Steps
}

// packedStep is a step as Steps keep it. kg holds its kind in the top 4
// bits and its goroutine's number below; a holds the other field its kind
// uses: Other's number for a creation or a wake-up, Block for a wait, Log
// for a log, and Chan for the rest, whose Op Steps.ops holds.
type packedStep struct {
	dt uint32 // since the base of its chunk
	kg uint32
	a  int32
}

// chanStep reports whether steps of kind k are of a channel, with an Op.
func chanStep(k StepKind) bool { return k >= StepMake && k <= StepSelect }

// A position is a step's index counted from the start of the first
// chunk: what s.off+i is for step i.

// rebase says that from position pos on, to the end of its chunk, times
// count from base: a step more than 4.29 s after its chunk's base (dt has
// 32 bits) begins a rebase.
type rebase struct {
	pos  int
	base Time
}

// stepSel is the select of the select step at position pos.
type stepSel struct {
	pos int
	sel int32
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
func (s *Steps) At(i int) Step {
	pos := i + s.off
	return s.unpackFrom(s.base(pos), pos, s.chunks[pos/stepChunk].at(pos%stepChunk))
}

// Time returns the time of step i, at less cost than At.
func (s *Steps) Time(i int) Time {
	pos := i + s.off
	return s.base(pos) + Time(s.chunks[pos/stepChunk].dt(pos%stepChunk))
}

// All yields the steps in order, with their indexes. It follows the
// bases from step to step, where At looks the base up: the UI's index
// of a trace of go test -count=6 goes through 1.7 million steps, whose
// later bases At searched a tenth of its time.
func (s *Steps) All() iter.Seq2[int, Step] {
	return func(yield func(int, Step) bool) {
		var w baseWalk
		for i := range s.n {
			pos := i + s.off
			if !yield(i, s.unpackFrom(w.at(s, pos), pos, s.chunks[pos/stepChunk].at(pos%stepChunk))) {
				return
			}
		}
	}
}

// baseWalk gives the bases of the steps at every position in turn, from
// the first on, as base does but without searching s.later for each.
type baseWalk struct {
	later int // the first of s.later not passed yet
	base  Time
}

// at returns the base of the step at pos, the position after the last
// one asked for, or the first.
func (w *baseWalk) at(s *Steps, pos int) Time {
	k := pos / stepChunk
	if pos == s.off || pos%stepChunk == 0 {
		w.base = s.bases[k]
	}
	for w.later < len(s.later) && s.later[w.later].pos <= pos {
		if s.later[w.later].pos/stepChunk == k {
			w.base = s.later[w.later].base
		}
		w.later++
	}
	return w.base
}

// Search returns the index of the first step at t or later, or Len() if
// there is none.
func (s *Steps) Search(t Time) int {
	lo, hi := 0, s.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.Time(m) < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// base returns the time the step at position pos counts from.
func (s *Steps) base(pos int) Time {
	k := pos / stepChunk
	if len(s.later) > 0 {
		i, _ := slices.BinarySearchFunc(s.later, pos+1, func(r rebase, p int) int { return r.pos - p })
		if i > 0 && s.later[i-1].pos/stepChunk == k {
			return s.later[i-1].base
		}
	}
	return s.bases[k]
}

// add appends st. Steps cut by keep are not appended to.
func (s *Steps) add(st Step) {
	if s.ids == nil {
		s.ids = &gnums{}
	}
	s.addPacked(st.Time, s.pack(st), st.Op, st.Select)
}

// addPacked appends the packed step p at time t, whose Op, if it is a step
// of a channel, is op, and whose select, if it is a select step, is sel.
func (s *Steps) addPacked(t Time, p packedStep, op, sel int32) {
	pos := s.off + s.n
	if pos%stepChunk == 0 {
		// The full chunk is sealed, and its room, if shared with none,
		// fills again.
		var buf []packedStep
		if k := len(s.chunks) - 1; k >= 0 {
			if buf = s.chunks[k].seal(); k < s.shared {
				buf = nil
			}
		}
		if buf == nil {
			buf = make([]packedStep, 0, stepChunk)
		}
		s.chunks = append(s.chunks, stepsChunk{open: buf[:0]})
		s.ops = append(s.ops, nil)
		s.bases = append(s.bases, t)
	}
	if chanStep(StepKind(p.kg >> 28)) {
		k := len(s.ops) - 1
		if s.ops[k] == nil {
			s.ops[k] = make([]int32, stepChunk)
		}
		s.ops[k][pos%stepChunk] = op
	}
	dt := t - s.base(pos)
	if dt < 0 || dt > math.MaxUint32 {
		s.later = append(s.later, rebase{pos: pos, base: t})
		dt = 0
	}
	if StepKind(p.kg>>28) == StepSelect {
		s.sels = append(s.sels, stepSel{pos: pos, sel: sel})
	}
	p.dt = uint32(dt)
	last := &s.chunks[len(s.chunks)-1].open
	*last = append(*last, p)
	s.n++
}

// renumbering says how the steps of a part of a trace map onto those of
// the parts before it, which appendRenumbered appends them to (see
// stitch.go).
type renumbering struct {
	g      []int32     // the part's goroutine numbers: their numbers in the parts before
	waits  []waitShift // by the part's goroutine number: where its waits went
	chans  []int32     // the part's channels: their indexes in the parts before
	opOff  []int32     // by the part's channel: the operations before the part's
	selOff int32       // the selects before the part's
	logOff int32       // the logs before the part's

	// The steps replaced whole, by index in the part: the completions of
	// operations and selects begun before it.
	fixed map[int32]Step
}

// op returns the channel and operation that the part's channel ci and its
// operation oi are in the parts before, or either as it is if below 0.
func (r *renumbering) op(ci, oi int32) (int32, int32) {
	if ci < 0 {
		return ci, oi
	}
	if oi >= 0 {
		oi += r.opOff[ci]
	}
	return r.chans[ci], oi
}

// appendRenumbered appends the steps of q, a part's, renumbered by r, but
// for the completions of operations and selects that nothing before the
// part began. Each step is renumbered in its packed form: unpacked and
// packed again, the steps were a quarter of the stitching. It returns the
// time of the last step appended, and whether one came before the one
// before it, the first before last.
func (s *Steps) appendRenumbered(q *Steps, r *renumbering, last Time) (Time, bool) {
	disordered := false
	keep := func(t Time) {
		if t < last {
			disordered = true
		}
		last = t
	}
	sel := 0 // the next of q.sels
	var w baseWalk
	for i := range q.n {
		pos := q.off + i
		p := q.chunks[pos/stepChunk].at(pos % stepChunk)
		t := w.at(q, pos) + Time(p.dt)
		op := q.op(pos)
		if len(r.fixed) > 0 {
			if st, ok := r.fixed[int32(i)]; ok {
				keep(st.Time)
				s.add(st)
				continue
			}
		}
		kind := StepKind(p.kg >> 28)
		g := int32(p.kg & (maxGoroutines - 1))
		var stepSel int32 = -1
		if kind == StepSelect {
			for q.sels[sel].pos < pos {
				sel++
			}
			stepSel = q.sels[sel].sel
		}
		switch kind {
		case StepSend, StepRecv:
			if op < 0 {
				continue // a completion of nothing the parts before began
			}
		case StepSelect:
			if stepSel < 0 {
				continue
			}
			stepSel += r.selOff
		}
		switch kind {
		case StepCreate, StepWake:
			p.a = r.g[p.a]
		case StepBlock:
			p.a = r.waits[g].block(p.a)
		case StepLog:
			if p.a >= 0 {
				p.a += r.logOff
			}
		case StepMake, StepSend, StepRecv, StepClose, StepSelect:
			p.a, op = r.op(p.a, op)
		}
		p.kg = p.kg&^(maxGoroutines-1) | uint32(r.g[g])
		keep(t)
		s.addPacked(t, p, op, stepSel)
	}
	return last, disordered
}

// op returns the Op of the step of a channel at position pos.
func (s *Steps) op(pos int) int32 {
	if ops := s.ops[pos/stepChunk]; ops != nil {
		return ops[pos%stepChunk]
	}
	return -1
}

// keep cuts the steps down to those from index from up to index to, and
// lets go of the chunks that hold none of them.
func (s *Steps) keep(from, to int) {
	from += s.off
	to += s.off
	first := from / stepChunk
	last := (to + stepChunk - 1) / stepChunk
	s.chunks = slices.Clip(s.chunks[first:last])
	s.ops = slices.Clip(s.ops[first:last])
	s.bases = slices.Clip(s.bases[first:last])
	shift := first * stepChunk
	var later []rebase
	for _, r := range s.later {
		if r.pos/stepChunk >= first && r.pos/stepChunk < last {
			later = append(later, rebase{pos: r.pos - shift, base: r.base})
		}
	}
	var sels []stepSel
	for _, x := range s.sels {
		if x.pos >= from && x.pos < to {
			sels = append(sels, stepSel{pos: x.pos - shift, sel: x.sel})
		}
	}
	s.later, s.sels = later, sels
	s.off, s.n, s.shared = from-shift, to-from, max(s.shared-first, 0)
}

// share returns steps that share the chunks of s but to which appending
// does not change s, nor appending to s them: for a partial timeline,
// while the reader goes on. Steps are changed after they are appended only
// by rewrite, which copies a shared chunk before it changes it.
func (s *Steps) share(ids *gnums) Steps {
	c := Steps{
		chunks: slices.Clone(s.chunks), ops: slices.Clone(s.ops), bases: slices.Clip(s.bases),
		later: slices.Clip(s.later), sels: slices.Clip(s.sels),
		ids: ids, off: s.off, n: s.n, shared: len(s.chunks),
	}
	if k := len(c.chunks) - 1; k >= 0 {
		c.chunks[k].open = slices.Clip(c.chunks[k].open)
	}
	s.shared = len(s.chunks)
	return c
}

// seal seals the last chunk, which is not appended to again. A chunk's
// room is shared, if it is, while open, and sealing it copies what it
// holds: sealing never changes another Steps.
func (s *Steps) seal() {
	if k := len(s.chunks) - 1; k >= 0 {
		s.chunks[k].seal()
	}
}

// rewrite calls change on every step, and keeps the steps it reports it
// changed, which must keep their times and kinds. A shared open chunk is
// copied before its first step changes, and a sealed one sealed anew, so
// that steps shared with a partial timeline stay as they are there.
func (s *Steps) rewrite(change func(Step) (Step, bool)) {
	selsOwned := false
	var buf []packedStep // a sealed chunk's steps, unpacked
	for k := range s.chunks {
		c := &s.chunks[k]
		if c.sealed != nil && buf == nil {
			buf = make([]packedStep, 0, stepChunk)
		}
		chunk := c.unpacked(buf)
		owned := c.sealed != nil || k >= s.shared // buf is ours to change
		changedAny := false
		for i := range chunk {
			pos := k*stepChunk + i
			if pos < s.off || pos >= s.off+s.n {
				continue
			}
			old := s.unpackFrom(s.base(pos), pos, chunk[i])
			st, changed := change(old)
			if !changed {
				continue
			}
			if st.Time != old.Time || st.Kind != old.Kind {
				panic("tracer: internal error: a rewrite changed a step's time or kind")
			}
			if !changedAny && k < s.shared && s.ops[k] != nil {
				s.ops[k] = slices.Clone(s.ops[k])
			}
			changedAny = true
			if !owned {
				chunk = slices.Clone(chunk)
				c.open, owned = chunk, true
			}
			p := s.pack(st)
			p.dt = chunk[i].dt
			chunk[i] = p
			if chanStep(st.Kind) {
				s.ops[k][i] = st.Op
			}
			if st.Kind == StepSelect && st.Select != old.Select {
				if !selsOwned {
					s.sels, selsOwned = slices.Clone(s.sels), true
				}
				s.sels[s.selAt(pos)].sel = st.Select
			}
		}
		if changedAny && c.sealed != nil {
			c.sealed = sealSteps(chunk) // a new one: the old may be shared
		}
	}
}

// selAt returns the index in sels of the select step at position pos.
func (s *Steps) selAt(pos int) int {
	i, _ := slices.BinarySearchFunc(s.sels, pos, func(x stepSel, p int) int { return x.pos - p })
	return i
}

// pack returns the packed form of st, but for its time, keeping the fields
// its kind uses.
func (s *Steps) pack(st Step) packedStep {
	p := packedStep{kg: uint32(st.Kind)<<28 | uint32(s.ids.number(st.G)), a: -1}
	switch st.Kind {
	case StepCreate, StepWake:
		p.a = s.ids.number(st.Other)
	case StepBlock:
		p.a = st.Block
	case StepLog:
		p.a = st.Log
	case StepMake, StepSend, StepRecv, StepClose, StepSelect:
		p.a = st.Chan // and st.Op in s.ops
	}
	return p
}

// unpackFrom is unpack for a step whose base is known.
func (s *Steps) unpackFrom(base Time, pos int, p packedStep) Step {
	st := Step{
		Time: base + Time(p.dt), G: s.ids.id(int32(p.kg & (maxGoroutines - 1))),
		Other: NoG, Chan: -1, Op: -1, Block: -1, Select: -1, Log: -1, Kind: StepKind(p.kg >> 28),
	}
	switch st.Kind {
	case StepCreate, StepWake:
		st.Other = s.ids.id(p.a)
	case StepBlock:
		st.Block = p.a
	case StepLog:
		st.Log = p.a
	case StepMake, StepSend, StepRecv, StepClose, StepSelect:
		st.Chan, st.Op = p.a, s.op(pos)
		if st.Kind == StepSelect {
			st.Select = s.sels[s.selAt(pos)].sel
		}
	}
	return st
}

// StepBrief is what a pass over all of a timeline's steps by goroutine
// needs of a step, at a fraction of the cost of a Step: its goroutines
// as indexes in Timeline.Goroutines rather than ids to look up. Of the
// UI's index of go test -trace time, looking up the ids of 13.5 million
// steps' goroutines, through the Step of each, was most of the time.
type StepBrief struct {
	Kind     StepKind
	G        int32 // the index of the step's goroutine, or -1
	Other    int32 // the index of the goroutine Step.Other names, or -1
	Chan, Op int32 // as in Step
}

// Briefs yields the brief of every step of t, in order, with its index.
func (t *Timeline) Briefs() iter.Seq2[int, StepBrief] {
	return func(yield func(int, StepBrief) bool) {
		s := &t.Steps
		if s.n == 0 {
			return
		}
		// The goroutines' indexes by their numbers in the steps.
		index := make([]int32, s.ids.ids.n)
		for n, id := range s.ids.ids.all() {
			index[n] = int32(t.GoroutineIndex(id))
		}
		for i := range s.n {
			pos := i + s.off
			p := s.chunks[pos/stepChunk].at(pos % stepChunk)
			b := StepBrief{Kind: StepKind(p.kg >> 28), G: index[p.kg&(maxGoroutines-1)], Other: -1, Chan: -1, Op: -1}
			switch b.Kind {
			case StepCreate, StepWake:
				b.Other = index[p.a]
			case StepMake, StepSend, StepRecv, StepClose, StepSelect:
				b.Chan, b.Op = p.a, s.op(pos)
			}
			if !yield(i, b) {
				return
			}
		}
	}
}
