package tracer_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

// randomSpans returns n spans in time order: mostly one after another,
// sometimes with a gap, of every state, the waits numbered in order with
// now and then a jump, and durations from nothing to hours.
func randomSpans(r *rand.Rand, n int) []tracer.Span {
	spans := make([]tracer.Span, 0, n)
	t, block := tracer.Time(r.Int64N(1e9)), int32(-1)
	for range n {
		if r.IntN(10) == 0 {
			t += tracer.Time(r.Int64N(1e6))
		}
		sp := tracer.Span{
			Start: t, End: t + tracer.Time(r.Int64N(1<<uint(r.IntN(42)))),
			State: tracer.State(1 + r.IntN(4)), Block: -1,
		}
		if sp.State == tracer.Waiting {
			block++
			if r.IntN(20) == 0 {
				block += int32(r.IntN(1000))
			}
			sp.Block = block
		}
		spans = append(spans, sp)
		t = sp.End
	}
	return spans
}

// TestSpans checks the compact spans against the slice they were made
// of: in order, by index, by time and through a cursor going forward. The
// 50,000 spans take several chunks.
func TestSpans(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 31, 32, 33, 1000, 50000} {
		want := randomSpans(r, n)
		s := tracer.MakeSpans(want...)
		if s.Len() != n {
			t.Fatalf("%d spans: Len is %d", n, s.Len())
		}
		for i, sp := range s.All() {
			if sp != want[i] {
				t.Fatalf("%d spans: span %d is %+v, want %+v", n, i, sp, want[i])
			}
		}
		for i := range want {
			if sp := s.At(i); sp != want[i] {
				t.Fatalf("%d spans: At(%d) is %+v, want %+v", n, i, sp, want[i])
			}
		}
		if n == 0 {
			continue
		}

		// Times in order from before the first span to after the last,
		// at every span's edges and at random between.
		var times []tracer.Time
		for _, sp := range want {
			times = append(times, sp.Start-1, sp.Start, (sp.Start+sp.End)/2, sp.End-1, sp.End)
		}
		slices.Sort(times)
		c := s.Cursor()
		for _, tm := range times {
			// The first span that ends after tm: the spans do not
			// overlap, and only an empty one ends where it starts.
			wantIdx, _ := slices.BinarySearchFunc(want, tm, func(sp tracer.Span, tm tracer.Time) int {
				if sp.End <= tm {
					return -1
				}
				return 1
			})
			wantOK := wantIdx < n && want[wantIdx].Start <= tm
			if !wantOK {
				wantIdx = -1
			}
			i, sp, ok := s.Find(tm)
			if ok != wantOK || ok && (i != wantIdx || sp != want[wantIdx]) {
				t.Fatalf("%d spans: Find(%d) is %d %+v %v, want %d %v", n, tm, i, sp, ok, wantIdx, wantOK)
			}
			sp, ok = c.At(tm)
			if ok != wantOK || ok && sp != want[wantIdx] {
				t.Fatalf("%d spans: cursor at %d is %+v %v, want span %d %v", n, tm, sp, ok, wantIdx, wantOK)
			}
		}
	}
}

// TestSpansJump moves cursors over a long lane in steps of several sizes,
// as lanes drawn at several zooms do, each step a few marks ahead or many,
// against a search of the spans it was made of.
func TestSpansJump(t *testing.T) {
	want := randomSpans(rand.New(rand.NewPCG(3, 4)), 100000)
	s := tracer.MakeSpans(want...)
	first, last := want[0].Start, want[len(want)-1].End
	for _, steps := range []int{20, 200, 2000, 20000} {
		c := s.Cursor()
		for k := range steps {
			tm := first + (last-first)/tracer.Time(steps)*tracer.Time(k)
			i, _ := slices.BinarySearchFunc(want, tm, func(sp tracer.Span, tm tracer.Time) int {
				if sp.End <= tm {
					return -1
				}
				return 1
			})
			wantOK := i < len(want) && want[i].Start <= tm
			sp, ok := c.At(tm)
			if ok != wantOK || ok && sp != want[i] {
				t.Fatalf("%d steps: cursor at %d is %+v %v, want span %d %v", steps, tm, sp, ok, i, wantOK)
			}
		}
	}
}

// BenchmarkSpanCursor finds the spans under the columns of a lane of 15,000
// spans drawn 180 columns wide, as the lanes view does for a goroutine of
// the UI's benchmark of 30 M spans.
func BenchmarkSpanCursor(b *testing.B) {
	const n, cols, tick = 15000, 180, 64
	var s tracer.Spans
	for i := range n {
		sp := tracer.Span{
			Start: tracer.Time(i * tick), End: tracer.Time((i + 1) * tick),
			State: tracer.State(i%3 + 1), Block: -1,
		}
		if sp.State == tracer.Waiting {
			sp.Block = int32(i / 3)
		}
		s.Append(sp)
	}
	width := float64(n*tick) / cols
	for b.Loop() {
		c := s.Cursor()
		for col := range cols {
			if _, ok := c.At(tracer.Time((float64(col) + 0.5) * width)); !ok {
				b.Fatal("no span")
			}
		}
	}
}
