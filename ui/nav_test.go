package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

// navTimeline is a timeline built by hand for the moves: main (g1) creates
// a consumer (g2) and a producer (g3); the consumer blocks, the producer
// wakes it with a send, and the consumer wakes main; a timer wakes the
// producer at the end. The comments give the step indexes.
func navTimeline() *tracer.Timeline {
	step := func(t tracer.Time, kind tracer.StepKind, g, other tracer.GID) tracer.Step {
		return tracer.Step{Time: t, Kind: kind, G: g, Other: other, Chan: -1, Op: -1,
			Block: -1, Select: -1, Log: -1}
	}
	g := func(id tracer.GID, name string, created tracer.Time) *tracer.Goroutine {
		return &tracer.Goroutine{ID: id, Name: name, Parent: tracer.NoG, Created: created, Ended: tracer.NoTime}
	}
	return &tracer.Timeline{
		Begin: 0, End: 11, Duration: 11,
		Goroutines: []*tracer.Goroutine{
			g(1, "main.main", tracer.NoTime), g(2, "main.consumer", 1), g(3, "main.producer", 2),
		},
		Steps: tracer.MakeSteps(
			step(1, tracer.StepCreate, 2, 1),        // 0
			step(2, tracer.StepCreate, 3, 1),        // 1
			step(3, tracer.StepLog, 2, tracer.NoG),  // 2: the consumer waits
			step(4, tracer.StepWake, 2, 3),          // 3
			step(5, tracer.StepLog, 3, tracer.NoG),  // 4: the producer's send
			step(6, tracer.StepLog, 2, tracer.NoG),  // 5: the consumer's receive
			step(7, tracer.StepWake, 1, 2),          // 6
			step(8, tracer.StepEnd, 2, tracer.NoG),  // 7
			step(9, tracer.StepWake, 3, tracer.NoG), // 8: by a timer
			step(10, tracer.StepEnd, 3, tracer.NoG), // 9
		),
	}
}

func TestMoves(t *testing.T) {
	ix := newIndex(navTimeline(), false)
	for _, tc := range []struct {
		name string
		move func(pos int) (int, string)
		from int
		want int
	}{
		{"next of the consumer", func(p int) (int, string) { return ix.nextOf(2, p, 1) }, 0, 2},
		{"next of the consumer, its wake-up", func(p int) (int, string) { return ix.nextOf(2, p, 1) }, 2, 3},
		{"next of the consumer from another's step", func(p int) (int, string) { return ix.nextOf(2, p, 1) }, 4, 5},
		{"none after the consumer's end", func(p int) (int, string) { return ix.nextOf(2, p, 1) }, 7, -1},
		{"previous of the consumer", func(p int) (int, string) { return ix.nextOf(2, p, -1) }, 5, 3},
		{"none before main's first", func(p int) (int, string) { return ix.nextOf(1, p, -1) }, 6, -1},

		{"back to who woke the receiver", ix.wakeBack, 5, 3},
		{"back from a wake-up to the waker's", ix.wakeBack, 3, 1},
		{"back from a creation by one never woken", ix.wakeBack, 1, -1},
		{"back from a step to a timer's wake-up", ix.wakeBack, 9, 8},
		{"back from a timer's wake-up", ix.wakeBack, 8, -1},

		{"forward from a send to the wake-up it made", ix.wakeForward, 4, 3},
		{"forward from a wake-up to what the woken did", ix.wakeForward, 3, 5},
		{"forward from a receive to the wake-up it made", ix.wakeForward, 5, 6},
		{"forward from a wake-up of one that does nothing after", ix.wakeForward, 6, -1},
		{"forward from a goroutine that wakes nobody", ix.wakeForward, 9, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, why := tc.move(tc.from)
			if got != tc.want {
				t.Errorf("got %d (%q) from %d, want %d", got, why, tc.from, tc.want)
			}
			if got < 0 && why == "" {
				t.Errorf("got no reason for going nowhere")
			}
		})
	}
}

func TestMatching(t *testing.T) {
	ix := newIndex(navTimeline(), false)
	ix.setFilter("PROD")
	if len(ix.rows) != 1 || ix.lane(0).ID != 3 {
		t.Fatalf("got %d lanes for filter PROD, want the producer's alone", len(ix.rows))
	}
	for _, tc := range []struct {
		from, dir, want int
	}{
		{0, 1, 1}, {1, 1, 4}, {4, 1, 8}, {9, 1, -1}, {9, -1, 8}, {1, -1, -1},
	} {
		if got, _ := ix.matching(tc.from, tc.dir); got != tc.want {
			t.Errorf("got matching(%d, %d) = %d, want %d", tc.from, tc.dir, got, tc.want)
		}
	}

	// By id too, and the empty filter shows every lane.
	if ix.setFilter("g2"); len(ix.rows) != 1 || ix.lane(0).ID != 2 {
		t.Errorf("got %d lanes for filter g2, want the consumer's alone", len(ix.rows))
	}
	if ix.setFilter(""); len(ix.rows) != 3 {
		t.Errorf("got %d lanes with no filter, want 3", len(ix.rows))
	}
}

func TestAtTime(t *testing.T) {
	ix := newIndex(navTimeline(), false)
	for _, tc := range []struct {
		t    tracer.Time
		want int
	}{
		{0, 0}, {1, 0}, {4, 3}, {4 - 1, 2}, {10, 9}, {100, 9},
	} {
		if got := ix.atTime(tc.t); got != tc.want {
			t.Errorf("got atTime(%d) = %d, want %d", tc.t, got, tc.want)
		}
	}
}

// TestWakeForwardFollowsHandoffs checks ] on every send and receive of
// the pipeline, unbuffered and buffered, against the wake-up found by
// scanning the timeline: that of the goroutine waiting in the other half
// of the handoff, when the step's goroutine woke it, and none otherwise.
func TestWakeForwardFollowsHandoffs(t *testing.T) {
	for _, args := range [][]string{{"-n", "20"}, {"-n", "20", "-buffer", "3"}} {
		tl := pipeline(t, args...)
		ix := newIndex(tl, false)
		woke, none := 0, 0
		for pos, k := range ix.steps.All() {
			s := tl.Steps.At(int(k))
			if s.Kind != tracer.StepSend && s.Kind != tracer.StepRecv || s.Op < 0 {
				continue
			}
			ops := &tl.Channels[s.Chan].Ops
			other := ops.At(int(s.Op)).Send
			if ops.At(int(s.Op)).Kind == tracer.Send {
				other = -1
				for i, op := range ops.All() {
					if op.Kind == tracer.Recv && op.Send == s.Op {
						other = int32(i)
					}
				}
			}
			if other < 0 {
				continue
			}
			want := -1
			h := tl.Goroutine(ops.At(int(other)).G)
			for _, blk := range h.Blocks.All() {
				if blk.Chan != s.Chan || blk.Op != other || blk.WokenBy != s.G {
					continue
				}
				for p, k := range ix.steps.All() {
					if w := tl.Steps.At(int(k)); w.Kind == tracer.StepWake && w.G == h.ID &&
						w.Other == s.G && w.Time == blk.End {
						want = p
					}
				}
			}
			got, why := ix.wakeForward(pos)
			if got != want {
				t.Fatalf("%v: ] from %q: got step %d (%s), want %d", args, tl.Describe(s), got, why, want)
			}
			if want >= 0 {
				woke++
			} else {
				none++
				if why == "" {
					t.Errorf("%v: ] from %q goes nowhere and says nothing", args, tl.Describe(s))
				}
			}
		}
		if woke == 0 || none == 0 {
			t.Errorf("%v: %d handoffs woke a waiting goroutine and %d did not, want some of each", args, woke, none)
		}
	}
}

// TestLaneFilter checks the lane filter against its definition: a lane
// matches when its label ("name g17") or its full start function contains
// the filter, ignoring case.
func TestLaneFilter(t *testing.T) {
	defined := func(g *tracer.Goroutine, filter string) bool {
		f := strings.ToLower(filter)
		label := strings.ToLower(fmt.Sprintf("%s g%d", tracer.ShortName(g.Name), g.ID))
		return strings.Contains(label, f) || strings.Contains(strings.ToLower(g.Name), f)
	}
	var gs []*tracer.Goroutine
	for i, name := range []string{
		"main.main", "net/http.(*conn).serve", "net/http.(*conn).serve", "example.com/Pkg.Serve",
		"testing.tRunner", "main.İşçi", "", "main.worker.func2", "example.com/g1.gamma",
	} {
		gs = append(gs, &tracer.Goroutine{ID: tracer.GID(i*7 + 1), Name: name})
	}
	for _, filter := range []string{
		"", "g", "G1", "g15", " g", "ve g", "serve", "SERVE", "http.(*conn).s", "net/http", "1", "22",
		"main g1", "işç", "İŞÇ", "pkg.serve", "x", "func2 g", "?", "gamma g", "g1.gamma",
	} {
		lf := newLaneFilter(filter)
		for _, g := range gs {
			if got, want := lf.matches(g), defined(g, filter); got != want {
				t.Errorf("filter %q on %q g%d: got %v, want %v", filter, g.Name, g.ID, got, want)
			}
		}
	}
}
