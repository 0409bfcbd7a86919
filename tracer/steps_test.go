package tracer

import (
	"slices"
	"testing"
)

// TestSteps checks the chunked steps against the slice they were made of:
// by index, in order, searched by time, cut to a window at and between
// chunk boundaries, shared and rewritten. The second chunk has no step of
// a channel, which keep their Op apart.
func TestSteps(t *testing.T) {
	var want []Step
	for i := range 3*stepChunk + stepChunk/2 {
		// Three steps a moment, of every kind.
		kinds := int(StepLog)
		if i/stepChunk == 1 {
			kinds = int(StepEnd)
		}
		st := Step{Time: Time(i / 3), G: GID(i), Other: NoG, Chan: -1, Op: -1, Block: -1, Select: -1, Log: -1,
			Kind: StepKind(1 + i%kinds)}
		switch st.Kind {
		case StepCreate, StepWake:
			st.Other = GID(i + 1)
		case StepBlock:
			st.Block = int32(i)
		case StepLog:
			st.Log = int32(i)
		case StepSelect:
			st.Chan, st.Op, st.Select = int32(i%3)-1, int32(i), int32(i)
		case StepMake:
			st.Chan = int32(i)
		case StepSend, StepRecv, StepClose:
			st.Chan, st.Op = 1<<31-1, int32(i)
		}
		want = append(want, st)
	}
	s := MakeSteps(want...)
	if s.ops[0] == nil || s.ops[1] != nil {
		t.Errorf("room for Ops in chunks 0 and 1: %t, %t; want it in the first only", s.ops[0] != nil, s.ops[1] != nil)
	}
	check := func(what string, s *Steps, want []Step) {
		t.Helper()
		if s.Len() != len(want) {
			t.Fatalf("%s: %d steps, want %d", what, s.Len(), len(want))
		}
		for i, st := range s.All() {
			if st != want[i] || s.At(i) != want[i] {
				t.Fatalf("%s: step %d is %+v, want %+v", what, i, st, want[i])
			}
		}
		times := []Time{-1, 0, 1}
		if len(want) > 0 {
			times = append(times, want[0].Time, want[len(want)/2].Time,
				want[len(want)-1].Time, want[len(want)-1].Time+1)
		}
		for _, tm := range times {
			i, _ := slices.BinarySearchFunc(want, tm, func(st Step, t Time) int { return int(st.Time - t) })
			if got := s.Search(tm); got != i {
				t.Fatalf("%s: Search(%d) is %d, want %d", what, tm, got, i)
			}
		}
	}
	check("made", &s, want)

	// Shared steps stay as they are when the others are rewritten, or
	// appended to.
	c := s.share(s.ids.snapshot())
	late := Step{Time: 1 << 40, G: 1, Other: NoG, Chan: -1, Op: -1, Block: -1, Select: -1, Log: -1, Kind: StepEnd}
	c.add(late)
	s.rewrite(func(st Step) (Step, bool) {
		st.G++
		if st.Op >= 0 {
			st.Op++
		}
		return st, st.G%2 == 0 // every other step
	})
	check("shared", &c, append(slices.Clone(want), late))
	for i, st := range s.All() {
		w := want[i]
		if w.G%2 == 1 {
			w.G++
			if w.Op >= 0 {
				w.Op++
			}
		}
		if st != w {
			t.Fatalf("rewritten: step %d is %+v, want %+v", i, st, w)
		}
	}
	s = MakeSteps(want...)

	// The open chunk of steps shared with none is rewritten in place.
	u := MakeSteps(want...)
	last := len(u.chunks) - 1
	first := &u.chunks[last].open[0]
	u.rewrite(func(st Step) (Step, bool) { st.G = -st.G; return st, true })
	if &u.chunks[last].open[0] != first || u.At(1).G != -want[1].G || u.At(len(want)-1).G != -want[len(want)-1].G {
		t.Error("steps shared with none were copied to be rewritten")
	}
	for _, w := range [][2]int{
		{0, len(want)}, {1, len(want) - 1}, {stepChunk, 2 * stepChunk},
		{stepChunk - 1, stepChunk + 1}, {5, 5}, {2*stepChunk + 7, len(want)},
	} {
		k := s.share(s.ids.snapshot())
		k.keep(w[0], w[1])
		check("kept", &k, want[w[0]:w[1]])
		// A window of a window.
		if n := k.Len(); n > 2 {
			k.keep(1, n-1)
			check("kept twice", &k, want[w[0]+1:w[1]-1])
		}
	}
}

// TestStepsFarApart checks steps further apart in time than a packed
// step's 32 bits of nanoseconds count, within a chunk and across chunks,
// searched, cut to windows and rewritten.
func TestStepsFarApart(t *testing.T) {
	var want []Step
	tm := Time(0)
	for i := range 2*stepChunk + 100 {
		switch {
		case i%5000 == 4999:
			tm += 5 << 30 // past what 32 bits count
		case i == stepChunk+3:
			tm += 1 << 40
		default:
			tm += Time(i % 7)
		}
		st := Step{
			Time: tm, G: GID(i % 11), Other: NoG, Chan: 2, Op: int32(i),
			Block: -1, Select: -1, Log: -1, Kind: StepSend,
		}
		if i%3 == 0 {
			st.Kind, st.Select = StepSelect, int32(i/3)
		}
		want = append(want, st)
	}
	s := MakeSteps(want...)
	if len(s.later) == 0 {
		t.Fatal("no step was far enough from its chunk's base to begin a rebase")
	}
	check := func(what string, s *Steps, want []Step) {
		t.Helper()
		n := 0
		for i, got := range s.All() {
			if got != want[i] {
				t.Fatalf("%s: step %d in All is %+v, want %+v", what, i, got, want[i])
			}
			n++
		}
		if n != len(want) {
			t.Fatalf("%s: All yields %d steps, want %d", what, n, len(want))
		}
		for i := range want {
			if got := s.At(i); got != want[i] {
				t.Fatalf("%s: step %d is %+v, want %+v", what, i, got, want[i])
			}
			if got := s.Time(i); got != want[i].Time {
				t.Fatalf("%s: step %d's time is %d, want %d", what, i, got, want[i].Time)
			}
		}
		for _, st := range want {
			i, _ := slices.BinarySearchFunc(want, st.Time, func(x Step, t Time) int { return int(x.Time - t) })
			if got := s.Search(st.Time); got != i {
				t.Fatalf("%s: Search(%d) is %d, want %d", what, st.Time, got, i)
			}
		}
	}
	check("made", &s, want)

	// Renumbering the selects and the operations keeps the times.
	c := s.share(s.ids.snapshot())
	s.rewrite(func(st Step) (Step, bool) {
		st.Op++
		if st.Kind == StepSelect {
			st.Select += 1000
		}
		return st, true
	})
	check("shared", &c, want)
	moved := slices.Clone(want)
	for i := range moved {
		moved[i].Op++
		if moved[i].Kind == StepSelect {
			moved[i].Select += 1000
		}
	}
	check("rewritten", &s, moved)
	for _, w := range [][2]int{{4990, 5010}, {stepChunk + 1, len(want)}, {1, 2*stepChunk + 1}} {
		k := s.share(s.ids.snapshot())
		k.keep(w[0], w[1])
		check("kept", &k, moved[w[0]:w[1]])
	}
}
