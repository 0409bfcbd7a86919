package tracer

import (
	"github.com/gocspviz/gocspviz/tracer/probe"
)

// annotation applies one probe log message, written by goroutine g at t.
// A message this reader cannot parse is kept as an ordinary log, so that
// nothing in the trace is silently dropped.
func (b *builder) annotation(g GID, t Time, msg string, stk int32) {
	a, err := probe.Parse(msg)
	if err != nil {
		b.userLog(g, t, probe.Category, msg)
		return
	}
	s := b.goroutine(g)
	switch a.Verb {
	case probe.VerbChan, probe.VerbExt:
		ci, fresh := b.channel(a.Chan)
		c := b.tl.Channels[ci]
		if c.Name != "" && a.Verb == probe.VerbExt {
			return // an ext channel is announced again at every use
		}
		c.Name, c.Cap, c.External = a.Name, a.Cap, a.Verb == probe.VerbExt
		if a.Verb == probe.VerbChan || fresh {
			c.Made = t
		}
		if a.Verb == probe.VerbChan {
			b.step(Step{Time: t, Kind: StepMake, G: g, Chan: ci, Op: -1})
			if b.cont {
				b.made[ci] = true
			}
		}

	case probe.VerbSend, probe.VerbRecv:
		kind := Send
		if a.Verb == probe.VerbRecv {
			kind = Recv
		}
		ci, _ := b.channel(a.Chan)
		c := b.tl.Channels[ci]
		c.Ops.add(Op{
			Kind: kind, G: g, Start: t, End: NoTime, Value: a.Value,
			Seq: a.Seq, Send: -1, OK: true, Select: -1, Stack: stk,
		})
		s.opChan, s.op = ci, int32(c.Ops.Len()-1)
		s.inheritOp = false

	case probe.VerbSent, probe.VerbRecvd:
		ci, _ := b.channel(a.Chan)
		if s.inheritOp {
			b.fixup(s, a, t, ci)
			return
		}
		if s.opChan != ci || s.op < 0 {
			return // the trace began after this operation did
		}
		b.tl.Channels[ci].Ops.complete(int(s.op), t, a)
		kind := StepSend
		if a.Verb == probe.VerbRecvd {
			kind = StepRecv
		}
		b.step(Step{Time: t, Kind: kind, G: g, Chan: ci, Op: s.op})
		s.opChan, s.op = -1, -1

	case probe.VerbClose:
		ci, _ := b.channel(a.Chan)
		c := b.tl.Channels[ci]
		c.Ops.add(Op{Kind: Close, G: g, Start: t, End: t, Send: -1, Select: -1, Stack: stk})
		b.step(Step{Time: t, Kind: StepClose, G: g, Chan: ci, Op: int32(c.Ops.Len() - 1)})

	case probe.VerbSelect:
		b.selects[a.Select] = int32(len(b.tl.Selects))
		s.sel = int32(len(b.tl.Selects))
		s.inheritSel = false
		// A case is known when its annotation comes; until then, and
		// for good when the trace ends first, it names no channel.
		cases := make([]SelectCase, a.Cases)
		for i := range cases {
			cases[i].Chan = -1
		}
		b.tl.Selects = append(b.tl.Selects, Select{
			G: g, Start: t, End: NoTime, Cases: cases, Chosen: -1, Stack: stk,
		})

	case probe.VerbCase:
		si, ok := b.selects[a.Select]
		sc := SelectCase{Dir: a.Dir, Chan: -1, Value: a.Value}
		hasChan := a.Dir == probe.DirSend || a.Dir == probe.DirRecv
		if !ok && b.cont {
			if hasChan {
				sc.Chan, _ = b.channel(a.Chan)
			}
			b.fixup(s, a, t, sc.Chan)
			return
		}
		if !ok || a.Case >= len(b.tl.Selects[si].Cases) {
			return
		}
		if hasChan {
			sc.Chan, _ = b.channel(a.Chan)
		}
		b.tl.Selects[si].Cases[a.Case] = sc
		if a.Dir == probe.DirSend {
			b.caseSeqs[[2]int64{int64(si), int64(a.Case)}] = a.Seq
		}

	case probe.VerbBegin:
		b.begin = t
	case probe.VerbEnd:
		b.end = t
	case probe.VerbChose:
		si, ok := b.selects[a.Select]
		if !ok && b.cont {
			b.fixup(s, a, t, -1)
			return
		}
		if !ok || a.Case >= len(b.tl.Selects[si].Cases) {
			return
		}
		b.chose(s, si, a, t)
	}
}

// chose completes select si with the case a names, adding the operation of
// that case to its channel.
func (b *builder) chose(s *gstate, si int32, a probe.Annotation, t Time) {
	s.sel = -1
	b.step(b.choseStep(s.g.ID, si, a, t))
}

// choseStep completes select si of goroutine g with the case a names,
// adding the operation of that case to its channel, and returns the step
// of it.
func (b *builder) choseStep(g GID, si int32, a probe.Annotation, t Time) Step {
	sel := &b.tl.Selects[si]
	sel.End, sel.Chosen = t, a.Case
	step := Step{Time: t, Kind: StepSelect, G: g, Select: si, Chan: -1, Op: -1}
	sc := sel.Cases[a.Case]
	if sc.Dir == probe.DirSend || sc.Dir == probe.DirRecv {
		op := Op{
			Kind: Send, G: g, Start: sel.Start, End: t, Value: sc.Value,
			Seq: b.caseSeqs[[2]int64{int64(si), int64(a.Case)}], Send: -1,
			OK: true, Select: si, Stack: sel.Stack,
		}
		if sc.Dir == probe.DirRecv {
			op.Kind, op.Seq, op.OK, op.Value = Recv, a.Seq, a.OK, a.Value
		}
		c := b.tl.Channels[sc.Chan]
		c.Ops.add(op)
		step.Chan, step.Op = sc.Chan, int32(c.Ops.Len()-1)
	}
	for i := range sel.Cases {
		delete(b.caseSeqs, [2]int64{int64(si), int64(i)})
	}
	step.Other, step.Block, step.Log = NoG, -1, -1
	return step
}

// channel returns the index of the channel with the probe's id, adding a
// channel when the trace did not show it being made; fresh reports that.
func (b *builder) channel(id uint64) (i int32, fresh bool) {
	if i, ok := b.chans[id]; ok {
		return i, false
	}
	i = int32(len(b.tl.Channels))
	b.tl.Channels = append(b.tl.Channels, &Channel{ID: id, Made: NoTime, Ops: Ops{values: b.values, ids: b.ids}})
	b.chans[id] = i
	return i, true
}
