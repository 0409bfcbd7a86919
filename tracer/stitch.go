package tracer

import (
	"math"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// A trace's generations can be read apart: each carries its own strings,
// stacks and clock, and restates the state of every goroutine. Read splits
// a big trace at generation boundaries into parts that it reads at once
// on several cores, each with a builder of its own, and then stitches each
// part to the timeline of the parts before it, so that the result is the
// timeline one builder reading the whole trace would have made.
//
// A builder reading a part after the first (cont) cannot know what the
// parts before it left open, so it notes what it must leave to the
// stitching:
//
//   - A goroutine that the part's first generation restates (first) is in
//     that state from the part's start; its first span and wait continue
//     those that were open at the end of the parts before.
//   - A wait that begins before the goroutine's first probe operation in
//     the part belongs to the operation or select it had under way at the
//     end of the parts before (inherited).
//   - The completion of an operation or select begun before the part, and
//     a case of such a select, are kept as fixups, with a placeholder step
//     where the completion's step goes.

// inherited marks a Block's Chan, Op or Select that a builder of a later
// part does not know: the operation or select its goroutine had under way
// at the end of the parts before.
const inherited = -2

// fixup is a probe annotation of a later part about an operation or select
// begun before the part.
type fixup struct {
	a    probe.Annotation
	g    GID
	t    Time
	ci   int32 // the channel the annotation names, in the part, or -1
	step int32 // the placeholder step in the part's Steps, or -1
}

// fixup keeps annotation a of goroutine s for the stitching, adding a
// placeholder for its step, and updates s as the annotation would have.
func (b *builder) fixup(s *gstate, a probe.Annotation, t Time, ci int32) {
	f := fixup{a: a, g: s.g.ID, t: t, ci: ci, step: -1}
	switch a.Verb {
	case probe.VerbSent, probe.VerbRecvd:
		kind := StepSend
		if a.Verb == probe.VerbRecvd {
			kind = StepRecv
		}
		f.step = int32(b.steps.n)
		b.step(Step{Time: t, Kind: kind, G: s.g.ID, Chan: ci, Op: -1})
		s.opChan, s.op, s.inheritOp = -1, -1, false
	case probe.VerbChose:
		f.step = int32(b.steps.n)
		b.step(Step{Time: t, Kind: StepSelect, G: s.g.ID, Chan: -1, Op: -1, Select: -1})
		s.sel, s.inheritSel = -1, false
	}
	b.fixups = append(b.fixups, f)
}

// stitch appends to b the part that p read, which follows b's in the
// trace, leaving b as one builder would be that had read both.
func (b *builder) stitch(p *builder) {
	tl, pt := b.tl, p.tl

	// Stacks, by their frames' PCs, in the order the part met them.
	keys := make([]string, pt.Stacks.Len())
	for k, i := range p.stacks {
		keys[i] = k
	}
	stackOf := make([]int32, pt.Stacks.Len())
	for i, k := range keys {
		j, ok := b.stacks[k]
		if !ok {
			j = tl.Stacks.add(pt.Stacks.At(int32(i)))
			b.sites = append(b.sites, p.sites[i])
			b.stacks[k] = j
		}
		stackOf[i] = j
	}
	stack := func(i int32) int32 {
		if i < 0 {
			return i
		}
		return stackOf[i]
	}

	// Channels, by the probe's id.
	chanOf := make([]int32, len(pt.Channels))
	for i, c := range pt.Channels {
		j, ok := b.chans[c.ID]
		switch {
		case !ok:
			j = int32(len(tl.Channels))
			nc := *c
			nc.Ops = Ops{values: b.values, ids: b.ids}
			tl.Channels = append(tl.Channels, &nc)
			b.chans[c.ID] = j
		case p.made[int32(i)]:
			bc := tl.Channels[j]
			bc.Name, bc.Cap, bc.External, bc.Made = c.Name, c.Cap, c.External, c.Made
		case tl.Channels[j].Name == "" && c.Name != "":
			bc := tl.Channels[j]
			bc.Name, bc.Cap, bc.External = c.Name, c.Cap, c.External
		}
		chanOf[i] = j
	}

	// What the part could not resolve, against what the parts before
	// left open. A completion's step is then final; one that matches
	// nothing is dropped, as one builder would have dropped it.
	fixed := map[int32]Step{}
	for _, f := range p.fixups {
		ci := int32(-1)
		if f.ci >= 0 {
			ci = chanOf[f.ci]
		}
		switch f.a.Verb {
		case probe.VerbSent, probe.VerbRecvd:
			s := b.state(f.g)
			if s == nil || s.opChan != ci || s.op < 0 {
				continue
			}
			tl.Channels[ci].Ops.complete(int(s.op), f.t, f.a)
			st := p.steps.At(int(f.step))
			st.Chan, st.Op = ci, s.op
			fixed[f.step] = st
		case probe.VerbCase:
			si, ok := b.selects[f.a.Select]
			if !ok || f.a.Case >= len(tl.Selects[si].Cases) {
				continue
			}
			tl.Selects[si].Cases[f.a.Case] = SelectCase{Dir: f.a.Dir, Chan: ci, Value: f.a.Value}
			if f.a.Dir == probe.DirSend {
				b.caseSeqs[[2]int64{int64(si), int64(f.a.Case)}] = f.a.Seq
			}
		case probe.VerbChose:
			si, ok := b.selects[f.a.Select]
			if !ok || f.a.Case >= len(tl.Selects[si].Cases) {
				continue
			}
			fixed[f.step] = b.choseStep(f.g, si, f.a, f.t)
		}
	}

	// The part's operations, selects and logs go after those before.
	selOff := int32(len(tl.Selects))
	opOff := make([]int32, len(pt.Channels))
	for i, c := range pt.Channels {
		bc := tl.Channels[chanOf[i]]
		opOff[i] = int32(bc.Ops.Len())
		for _, op := range c.Ops.All() {
			op.Stack = stack(op.Stack)
			if op.Select >= 0 {
				op.Select += selOff
			}
			bc.Ops.add(op)
		}
	}
	for _, sel := range pt.Selects {
		sel.Stack = stack(sel.Stack)
		for k := range sel.Cases {
			if c := &sel.Cases[k]; c.Chan >= 0 {
				c.Chan = chanOf[c.Chan]
			}
		}
		tl.Selects = append(tl.Selects, sel)
	}
	for id, si := range p.selects {
		b.selects[id] = si + selOff
	}
	for k, seq := range p.caseSeqs {
		b.caseSeqs[[2]int64{k[0] + int64(selOff), k[1]}] = seq
	}
	logOff := int32(len(tl.Logs))
	tl.Logs = append(tl.Logs, pt.Logs...)
	for _, u := range p.untyped {
		if typ, ok := b.taskTypes[u.id]; ok {
			tl.Logs[u.log+logOff].Message = taskMessage("end", typ, u.id)
		}
	}
	for id, typ := range p.taskTypes {
		b.taskTypes[id] = typ
	}
	// How the part's numbers map onto the stitched ones: where each
	// goroutine's waits went (by its number in the part) is filled in
	// below.
	r := renumbering{
		g: make([]int32, p.ids.ids.n), waits: make([]waitShift, p.ids.ids.n),
		chans: chanOf, opOff: opOff, selOff: selOff, logOff: logOff, fixed: fixed,
	}
	for n, id := range p.ids.ids.all() {
		r.g[n] = b.ids.number(id)
	}
	// The part's wait names, numbered in b's as they come.
	const unnamed = math.MaxUint32
	names := make([]uint32, len(p.names.names))
	for i := range names {
		names[i] = unnamed
	}
	name := func(i uint32) uint32 {
		if names[i] == unnamed {
			n := p.names.names[i]
			n.stack = stack(n.stack)
			names[i] = b.names.number(n)
		}
		return names[i]
	}

	// Goroutines, joining the spans and waits that cross the boundary.
	for _, pg := range pt.Goroutines {
		ps := p.state(pg.ID)
		prev := b.state(pg.ID) // its state at the end of the parts before, or nil
		spans, pblocks := pg.Spans, pg.Blocks
		g := tl.Goroutine(pg.ID)
		if g != nil && g.frozen {
			g = b.thaw(pg.ID)
		}
		fresh := g == nil
		// A goroutine the part began has its waits renumbered as they
		// are; one older than the trace, waiting when the part began,
		// has the first changed, and one the parts before knew may have
		// it joined to the wait they left open.
		var blocks []Block
		if !fresh || ps.first == Waiting {
			blocks = pblocks.slice()
		}
		if fresh {
			// Its spans stay as they are, but for the start of the
			// first (below); its waits are added anew, in b's numbering.
			g = pg
			g.Blocks = nil
			g.GoStack = stack(g.GoStack)
			tl.addGoroutine(g)
		} else {
			if g.Name == "" {
				g.Name = pg.Name
			}
			if pg.Ended != NoTime {
				g.Ended = pg.Ended
			}
		}
		since := ps.since
		firstStart := NoTime // the start of the part's first span, if it changes
		off, joined := int32(g.Blocks.Len()), int32(-1)
		restatedStack := int32(-1) // the stack of a wait since the trace began
		if ps.first != 0 {
			switch {
			case prev == nil || prev.state == 0:
				// Older than the trace, and not seen before: in that
				// state since the trace began, as one builder sees it,
				// with the restatement's stack.
				if spans.Len() > 0 {
					firstStart = 0
				} else {
					since = 0
				}
				if ps.first == Waiting && len(blocks) > 0 {
					// One builder keeps only a wait's stack.
					r := p.restated[pg.ID]
					blocks[0].Start, restatedStack = 0, b.intern(r.frames, r.key)
				}
			case prev.state == ps.first:
				// The span open at the end of the parts before goes on.
				if spans.Len() > 0 {
					firstStart = prev.since
				} else {
					since = prev.since
				}
				if ps.first == Waiting && prev.block >= 0 && len(blocks) > 0 {
					g.Blocks.setEnd(prev.block, blocks[0].End, blocks[0].WokenBy)
					joined, blocks = prev.block, blocks[1:]
					off--
				}
			default:
				// The states disagree, which a valid trace never has
				// them do: end the open span where the part begins.
				sp := Span{Start: prev.since, End: p.partStart, State: prev.state, Block: -1}
				if prev.state == Waiting && prev.block >= 0 {
					sp.Block = prev.block
					g.Blocks.setEnd(prev.block, p.partStart, g.Blocks.At(int(prev.block)).WokenBy)
				}
				b.appendSpan(&g.Spans, sp)
			}
		}
		shift := waitShift{off: off, joined: joined}
		r.waits[p.ids.number(pg.ID)] = shift
		if fresh && firstStart != NoTime {
			g.Spans = Spans{}
		}
		if !fresh || firstStart != NoTime {
			// Copied, with the waits renumbered. A fresh goroutine's
			// waits keep their numbers, and its spans their encoding,
			// but for a first span that begins earlier.
			if g.Spans.appendShifted(&spans, firstStart, shift) {
				b.spansDisordered = true
			}
		}
		for k := range blocks {
			blk := &blocks[k]
			blk.Stack = stack(blk.Stack)
			if k == 0 && restatedStack >= 0 {
				blk.Stack, blk.Site = restatedStack, b.sites[restatedStack]
			}
			if blk.Chan == inherited {
				blk.Chan, blk.Op = -1, -1
				if prev != nil {
					blk.Chan, blk.Op = prev.opChan, prev.op
				}
			} else {
				blk.Chan, blk.Op = r.op(blk.Chan, blk.Op)
			}
			switch {
			case blk.Select == inherited && prev != nil:
				blk.Select = prev.sel
			case blk.Select == inherited:
				blk.Select = -1
			case blk.Select >= 0:
				blk.Select += selOff
			}
		}
		if blocks == nil && pblocks != nil {
			b.waits(g).adopt(pblocks, name, &r)
		}
		for _, blk := range blocks {
			b.waits(g).add(blk)
		}

		// Its state at the end of the part, in the stitched numbering;
		// the state before, if the part saw no change of it.
		s := &gstate{g: g, state: ps.state, since: since, block: shift.block(ps.block),
			opChan: -1, op: -1, sel: -1}
		if ps.first == 0 && ps.state == 0 && prev != nil && pg.Ended == NoTime {
			s.state, s.since, s.block = prev.state, prev.since, prev.block
		}
		switch {
		case ps.inheritOp && prev != nil:
			s.opChan, s.op = prev.opChan, prev.op
		case !ps.inheritOp:
			s.opChan, s.op = r.op(ps.opChan, ps.op)
		}
		switch {
		case ps.inheritSel && prev != nil:
			s.sel = prev.sel
		case !ps.inheritSel && ps.sel >= 0:
			s.sel = ps.sel + selOff
		}
		b.setState(s)
	}
	b.lastG = nil

	// The steps, with their indexes renumbered.
	var disordered bool
	b.lastStep, disordered = b.steps.appendRenumbered(&p.steps, &r, b.lastStep)
	b.stepsDisordered = b.stepsDisordered || disordered

	// Each part ends and begins with a Sync event: one builder reading
	// both would have seen only one of the two.
	b.events += p.events - 1
	b.syncs += p.syncs - 1
	b.last = max(b.last, p.last)
	// The part's steps were checked as they were added here, the spans
	// of the goroutines it began as it read them.
	b.spansDisordered = b.spansDisordered || p.spansDisordered
	if p.begin != NoTime {
		b.begin = p.begin
	}
	if p.end != NoTime {
		b.end = p.end
	}
}

// waitShift says where the waits of a goroutine that a part read went in
// the stitched timeline: after off others, the first joined to wait joined
// that the parts before left open, if it is not -1.
type waitShift struct {
	off, joined int32
}

// block returns the stitched number of the part's wait i, or i if it is
// below 0.
func (w waitShift) block(i int32) int32 {
	switch {
	case i < 0:
		return i
	case i == 0 && w.joined >= 0:
		return w.joined
	}
	return i + w.off
}
