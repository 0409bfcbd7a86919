package tracer

import "testing"

// TestSpanChunks appends spans past a chunk, with a mark at the very end
// of the first chunk, and checks that they read back by index, by time,
// in order and through a cursor; that full chunks are never moved; and
// that a clip taken before more spans came, and the spans once trimmed,
// read as they should.
func TestSpanChunks(t *testing.T) {
	// 31 spans of 4 bytes, then spans of 2: span 32736, a multiple of
	// spanMarkEvery, is the first that the first chunk has no room for.
	const firstOfSecond = 32736
	var want []Span
	at := Time(0)
	for i := range 3 * spanChunk / 2 {
		d := Time(1)
		if i < 31 {
			d = 10000
		}
		want = append(want, Span{Start: at, End: at + d, State: Running, Block: -1})
		at += d
	}

	var s Spans
	var first *byte // the first chunk's first byte, once it is full
	var clipped Spans
	for i, sp := range want {
		s.Append(sp)
		if s.chunked() && first == nil {
			first = &s.more.chunks[0][0]
		}
		if i == len(want)/2 {
			clipped = s.clip()
		}
	}
	cs := chunksOf(&s)
	if len(cs) < 2 {
		t.Fatalf("%d spans in %d chunk", len(want), len(cs))
	}
	for k, c := range cs {
		if len(c) >= spanChunk {
			t.Errorf("chunk %d holds %d bytes, not less than %d", k, len(c), spanChunk)
		}
	}
	if &s.more.chunks[0][0] != first {
		t.Error("the first chunk moved once full")
	}
	mk := s.markList()[firstOfSecond/spanMarkEvery-1]
	if mk.off != uint32(len(cs[0])) || mk.start != want[firstOfSecond].Start {
		t.Fatalf("mark of span %d is at %d, start %d; want the first chunk's end, %d, start %d",
			firstOfSecond, mk.off, mk.start, len(cs[0]), want[firstOfSecond].Start)
	}

	check := func(name string, s *Spans, want []Span) {
		t.Helper()
		if s.Len() != len(want) {
			t.Fatalf("%s: %d spans, want %d", name, s.Len(), len(want))
		}
		for i, sp := range s.All() {
			if sp != want[i] {
				t.Fatalf("%s: span %d is %+v, want %+v", name, i, sp, want[i])
			}
		}
		for _, i := range []int{0, firstOfSecond - 1, firstOfSecond, firstOfSecond + 1, len(want) - 1} {
			if sp := s.At(i); sp != want[i] {
				t.Fatalf("%s: At(%d) is %+v, want %+v", name, i, sp, want[i])
			}
			if k, sp, ok := s.Find(want[i].Start); !ok || k != i || sp != want[i] {
				t.Fatalf("%s: Find(%d) is %d %+v %v, want %d", name, want[i].Start, k, sp, ok, i)
			}
		}
		c := s.Cursor()
		for i := 0; i < len(want); i += 7 {
			if sp, ok := c.At(want[i].Start); !ok || sp != want[i] {
				t.Fatalf("%s: cursor at %d is %+v %v, want span %d", name, want[i].Start, sp, ok, i)
			}
		}
	}
	check("appended", &s, want)
	check("clipped halfway", &clipped, want[:len(want)/2+1])

	var arena byteArena
	s.trim(&arena)
	check("trimmed", &s, want)

	// Stitched after spans of their own, the spans are encoded as if
	// appended one by one.
	head := MakeSpans(Span{Start: -5, End: 0, State: Runnable, Block: -1})
	q := MakeSpans(want...)
	head.appendShifted(&q, NoTime, waitShift{off: 0, joined: -1})
	all := append([]Span{{Start: -5, End: 0, State: Runnable, Block: -1}}, want...)
	sameSpans(t, &head, MakeSpans(all...), all)
}
