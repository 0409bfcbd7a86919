package ui

import (
	"math"
	"slices"

	"github.com/gocspviz/gocspviz/tracer"
)

// never is the step index of something that does not happen.
const never = math.MaxInt32

// index holds what the views need from a timeline in the form they need
// it, derived once: the lanes and steps shown, and for every channel
// operation the step at which it completed.
type index struct {
	tl         *tracer.Timeline
	showSystem bool

	rows  []*tracer.Goroutine // the lanes, in order of creation
	steps []int32             // the steps shown, indexes into tl.Steps

	// opEnd[c][o] is the index in tl.Steps of the step completing
	// operation o of channel c, or never.
	opEnd [][]int32
	// recvOf[c][o] is, for a send o of channel c, the receive that got
	// its value, or -1.
	recvOf [][]int32
	// marks[g] are the completed operations of goroutine g, in time order.
	marks map[tracer.GID][]mark
}

// mark is a completed channel operation drawn on its goroutine's lane.
type mark struct {
	t    tracer.Time
	kind tracer.OpKind
}

func newIndex(tl *tracer.Timeline, showSystem bool) *index {
	ix := &index{tl: tl, showSystem: showSystem, marks: map[tracer.GID][]mark{}}
	for _, g := range tl.Goroutines {
		if showSystem || !g.System {
			ix.rows = append(ix.rows, g)
		}
	}
	slices.SortStableFunc(ix.rows, func(a, b *tracer.Goroutine) int {
		if a.Created != b.Created {
			return int(a.Created - b.Created)
		}
		return int(a.ID - b.ID)
	})

	ix.opEnd = make([][]int32, len(tl.Channels))
	ix.recvOf = make([][]int32, len(tl.Channels))
	for ci, c := range tl.Channels {
		ix.opEnd[ci] = make([]int32, len(c.Ops))
		ix.recvOf[ci] = make([]int32, len(c.Ops))
		for i, op := range c.Ops {
			ix.opEnd[ci][i] = never
			ix.recvOf[ci][i] = -1
			if op.Kind == tracer.Recv && op.Send >= 0 {
				ix.recvOf[ci][op.Send] = int32(i)
			}
		}
	}
	for i, s := range tl.Steps {
		if s.Chan >= 0 && s.Op >= 0 {
			ix.opEnd[s.Chan][s.Op] = int32(i)
			op := tl.Channels[s.Chan].Ops[s.Op]
			ix.marks[s.G] = append(ix.marks[s.G], mark{s.Time, op.Kind})
		}
		if showSystem || !isSystem(tl, s.G) {
			ix.steps = append(ix.steps, int32(i))
		}
	}
	return ix
}

func isSystem(tl *tracer.Timeline, id tracer.GID) bool {
	g := tl.Goroutine(id)
	return g != nil && g.System
}

// stepAt returns the position in ix.steps of the last shown step at or
// before timeline step i, or 0.
func (ix *index) stepAt(i int32) int {
	n, _ := slices.BinarySearch(ix.steps, i+1)
	return max(n-1, 0)
}

// window returns the span of time the lanes fit: the recorded program's
// run, with a little room on either side.
func (ix *index) window() (tracer.Time, tracer.Time) {
	from, to := ix.tl.Begin, max(ix.tl.End, ix.tl.Begin+1)
	pad := (to - from) / 100
	return max(from-pad, 0), to + pad
}

// spanAt returns the span of g covering time t, or false when g did not
// exist then.
func spanAt(g *tracer.Goroutine, t tracer.Time) (tracer.Span, bool) {
	i, _ := slices.BinarySearchFunc(g.Spans, t, func(s tracer.Span, t tracer.Time) int {
		if s.End <= t {
			return -1
		}
		if s.Start > t {
			return 1
		}
		return 0
	})
	if i < len(g.Spans) && g.Spans[i].Start <= t && t < g.Spans[i].End {
		return g.Spans[i], true
	}
	return tracer.Span{}, false
}

// markIn returns the kind of the first operation g completed in [from, to),
// or 0.
func (ix *index) markIn(g tracer.GID, from, to tracer.Time) tracer.OpKind {
	ms := ix.marks[g]
	i, _ := slices.BinarySearchFunc(ms, from, func(m mark, t tracer.Time) int {
		return int(m.t - t)
	})
	if i < len(ms) && ms[i].t < to {
		return ms[i].kind
	}
	return 0
}
