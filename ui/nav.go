package ui

import (
	"sort"

	"github.com/gocspviz/gocspviz/tracer"
)

// The moves of the cursor other than one step at a time. Each is a pure
// function of the index and the cursor's position in ix.steps: it returns
// the position to go to, or -1 and a sentence saying why there is none.

// after returns the first of the ascending positions ps greater than pos,
// or -1.
func after(ps glist, pos int) int {
	if i := ps.search(int32(pos) + 1); i < ps.len() {
		return int(ps.at(i))
	}
	return -1
}

// atOrBefore returns the last of the ascending positions ps at most pos,
// or -1.
func atOrBefore(ps glist, pos int) int {
	if i := ps.search(int32(pos) + 1); i > 0 {
		return int(ps.at(i - 1))
	}
	return -1
}

// before returns the last of the ascending positions ps less than pos, or
// -1.
func before(ps glist, pos int) int {
	return atOrBefore(ps, pos-1)
}

// stepOf returns the step at position pos.
func (ix *index) stepOf(pos int) tracer.Step { return ix.tl.Steps.At(int(ix.steps.At(pos))) }

// timeAt returns the time of the step at position pos, at less cost than
// stepOf.
func (ix *index) timeAt(pos int) tracer.Time { return ix.tl.Steps.Time(int(ix.steps.At(pos))) }

// isEdge reports whether a step is a wake-up or creation: an edge from the
// goroutine that made it (Other) to the one it happened to (G).
func isEdge(s tracer.Step) bool { return isEdgeKind(s.Kind) }

// isEdgeKind reports whether steps of kind k are edges (see isEdge).
func isEdgeKind(k tracer.StepKind) bool { return k == tracer.StepWake || k == tracer.StepCreate }

// nextOf returns the position of goroutine g's next step after pos, or
// with dir -1 its previous step before pos.
func (ix *index) nextOf(g tracer.GID, pos, dir int) (int, string) {
	to := after(ix.stepsOf(g), pos)
	if dir < 0 {
		to = before(ix.stepsOf(g), pos)
	}
	if to < 0 {
		where := "after"
		if dir < 0 {
			where = "before"
		}
		return -1, "no step of " + ix.tl.Name(g) + " " + where + " this one"
	}
	return to, ""
}

// wakeBack follows a wake-up edge back in time: to the latest wake-up (or
// creation) of the current step's goroutine at or before the cursor. On a
// wake-up step itself it asks the same of the goroutine that did the
// waking, so that pressing it again walks the chain of causes back.
func (ix *index) wakeBack(pos int) (int, string) {
	s := ix.stepOf(pos)
	g, bound := s.G, pos
	if isEdge(s) {
		if s.Other == tracer.NoG {
			return -1, "no goroutine woke " + ix.tl.Name(s.G) + " here"
		}
		g, bound = s.Other, pos-1
	}
	to := ix.wokenAtOrBefore(g, bound)
	if to < 0 {
		return -1, "no wake-up of " + ix.tl.Name(g) + " before this step"
	}
	return to, ""
}

// wakeForward follows a wake-up edge forward: on a wake-up step, to the
// woken goroutine's next step, what it did once awake; on any other step,
// to the wake-up that the step's goroutine made with it. For a send or
// receive the probe recorded, that is the wake-up of the goroutine that
// waited in the other half of the handoff, if it waited. For anything
// else, the trace does not say which operation woke whom, and it is the
// first wake-up the goroutine made since its previous step, which
// precedes the step when, say, a send wakes the receiver waiting for it.
func (ix *index) wakeForward(pos int) (int, string) {
	s := ix.stepOf(pos)
	if isEdge(s) {
		return ix.nextOf(s.G, pos, 1)
	}
	if other, ok := ix.handoff(s); ok {
		return ix.wokeIn(s, other)
	}
	to := after(ix.woke(s.G), before(ix.stepsOf(s.G), pos))
	if to < 0 {
		return -1, ix.tl.Name(s.G) + " wakes nobody from here on"
	}
	return to, ""
}

// handoff returns the other half of the channel operation that step s
// completed: the receive that got a send's value, or the send whose value
// a receive got. It reports false when s is no such step, or the trace
// does not say.
func (ix *index) handoff(s tracer.Step) (int32, bool) {
	if s.Kind != tracer.StepSend && s.Kind != tracer.StepRecv && s.Kind != tracer.StepSelect ||
		s.Chan < 0 || s.Op < 0 {
		return -1, false
	}
	op := ix.tl.Channels[s.Chan].Ops.At(int(s.Op))
	other := op.Send
	if op.Kind == tracer.Send {
		other = ix.recvOf(s.Chan, s.Op)
	}
	return other, other >= 0
}

// wokeIn returns the position of the wake-up that step s made of the
// goroutine of operation other, the other half of its handoff, or -1 and
// why there is none.
func (ix *index) wokeIn(s tracer.Step, other int32) (int, string) {
	op := ix.tl.Channels[s.Chan].Ops.At(int(other))
	name := ix.tl.Name(op.G)
	b := ix.waitOf(s.Chan, other)
	g := ix.tl.Goroutine(op.G)
	if b < 0 || g == nil || int(b) >= g.Blocks.Len() {
		return -1, ix.tl.Name(s.G) + " woke nobody here: " + name + " did not wait for it"
	}
	blk := g.Blocks.At(int(b))
	if blk.WokenBy != s.G || blk.End == tracer.NoTime {
		return -1, ix.tl.Name(s.G) + " woke nobody here: " + name + " was woken by another"
	}
	ps := ix.stepsOf(op.G)
	i := sort.Search(ps.len(), func(k int) bool { return ix.timeAt(int(ps.at(k))) >= blk.End })
	for ; i < ps.len() && ix.timeAt(int(ps.at(i))) == blk.End; i++ {
		if w := ix.stepOf(int(ps.at(i))); w.Kind == tracer.StepWake && w.Other == s.G {
			return int(ps.at(i)), ""
		}
	}
	return -1, "the wake-up of " + name + " is not shown: S shows the runtime's goroutines"
}

// matching returns the position of the next step after pos (with dir -1,
// the previous one before pos) whose goroutine has a lane, or -1. It scans
// the steps, as it runs once per key press.
func (ix *index) matching(pos, dir int) (int, string) {
	for i := pos + dir; i >= 0 && i < ix.steps.Len(); i += dir {
		if ix.rowOf(ix.stepOf(i).G) >= 0 {
			return i, ""
		}
	}
	if dir > 0 {
		return -1, "no later step of a goroutine matching " + quote(ix.filter)
	}
	return -1, "no earlier step of a goroutine matching " + quote(ix.filter)
}

// atTime returns the position of the first step shown at or after t, or
// the last step when all are before it.
func (ix *index) atTime(t tracer.Time) int {
	i := ix.steps.Search(func(k int32) bool { return ix.tl.Steps.Time(int(k)) >= t })
	return min(i, max(ix.steps.Len()-1, 0))
}

func quote(s string) string { return "\"" + s + "\"" }
