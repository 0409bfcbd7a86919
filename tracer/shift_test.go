package tracer

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAppendShifted appends a part's spans, numbered from its own first
// wait, to the spans before, as stitching does, and checks that the result
// is encoded as if the spans had been appended one by one: when every wait
// shifts alike (copied but for the waits numbered explicitly), when the
// part's first wait continues the one left open, when the first span
// begins earlier, and when the waits do not shift alike.
func TestAppendShifted(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{2, 33, 100, 1000, 40000} { // the last in several chunks
		for _, m := range []int{1, n / 3, 31, 32, 33, n - 1} {
			if m < 1 || m >= n {
				continue
			}
			all := shiftSpans(r, n)
			// The part's waits count from the first it names.
			off := int32(-1)
			for _, sp := range all[m:] {
				if sp.Block >= 0 {
					off = sp.Block
					break
				}
			}
			if off < 0 {
				off = 0
			}
			part := slices.Clone(all[m:])
			for i := range part {
				if part[i].Block >= 0 {
					part[i].Block -= off
				}
			}
			q := MakeSpans(part...)

			// Every wait shifts alike, the part's first joined to the
			// one left open or not.
			for _, w := range []waitShift{{off: off, joined: -1}, {off: off, joined: off}} {
				s := MakeSpans(all[:m]...)
				if s.appendShifted(&q, NoTime, w) {
					t.Errorf("%d spans cut at %d, %+v: disordered, want in order", n, m, w)
				}
				sameSpans(t, &s, MakeSpans(all...), all)
			}

			// The part's first span begins earlier, where the one
			// before ended.
			moved := slices.Clone(all)
			moved[m].Start = moved[m-1].End
			s := MakeSpans(all[:m]...)
			s.appendShifted(&q, moved[m].Start, waitShift{off: off, joined: -1})
			sameSpans(t, &s, MakeSpans(moved...), moved)

			// The part's first wait is joined to an earlier one, and the
			// others shift by more.
			w := waitShift{off: off + 5, joined: 2}
			mapped := slices.Clone(all)
			for i := m; i < n; i++ {
				mapped[i].Block = w.block(part[i-m].Block)
			}
			s = MakeSpans(all[:m]...)
			s.appendShifted(&q, NoTime, w)
			want := Spans{}
			for _, sp := range mapped {
				want.Append(sp) // encoded as they come, waits out of order and all
			}
			sameSpans(t, &s, want, mapped)

			// A part that begins before the spans before ended.
			s = MakeSpans(all[:m]...)
			early := MakeSpans(Span{Start: all[m-1].End - 1, End: all[m-1].End + 5, State: Running, Block: -1})
			if !s.appendShifted(&early, NoTime, waitShift{off: 0, joined: -1}) {
				t.Errorf("%d spans cut at %d: a span before the last ended was not noted", n, m)
			}
		}
	}
}

// shiftSpans returns n spans in time order, their waits numbered in order
// but now and then explicitly, as a wait that spans several does.
func shiftSpans(r *rand.Rand, n int) []Span {
	spans := make([]Span, 0, n)
	t, block := Time(r.Int64N(1e9)), int32(-1)
	for range n {
		if r.IntN(8) == 0 {
			t += Time(r.Int64N(1e6))
		}
		sp := Span{Start: t, End: t + Time(r.Int64N(1<<uint(r.IntN(40)))), State: State(1 + r.IntN(4)), Block: -1}
		if sp.State == Waiting {
			switch {
			case block >= 0 && r.IntN(6) == 0:
				sp.Block = block // the same wait again
			default:
				block += 1 + int32(r.IntN(2)) // the next, or one further
				sp.Block = block
			}
		}
		spans = append(spans, sp)
		t = sp.End
	}
	return spans
}

// chunksOf returns the chunks of the encoding of s.
func chunksOf(s *Spans) [][]byte {
	var cs [][]byte
	if s.more != nil {
		cs = slices.Clone(s.more.chunks)
	}
	return append(cs, s.data)
}

// sameSpans checks s against want, encoding and all, and against spans.
func sameSpans(t *testing.T, s *Spans, want Spans, spans []Span) {
	t.Helper()
	if !slices.EqualFunc(chunksOf(s), chunksOf(&want), slices.Equal) || !slices.Equal(s.markList(), want.markList()) ||
		s.n != want.n || s.end != want.end || s.block != want.block {
		t.Fatalf("%d spans: encoded in %d chunks and %d marks, want %d and %d (end %d, %d; wait %d, %d)",
			len(spans), len(chunksOf(s)), len(s.markList()), len(chunksOf(&want)), len(want.markList()),
			s.end, want.end, s.block, want.block)
	}
	for i, sp := range spans {
		if got := s.At(i); got != sp {
			t.Fatalf("%d spans: span %d is %+v, want %+v", len(spans), i, got, sp)
		}
	}
}
