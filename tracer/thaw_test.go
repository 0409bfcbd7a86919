package tracer

import "testing"

// TestThaw checks that a goroutine a snapshot shares, having ended, stays
// as it was when the builder is told of it again, as only a damaged or
// hostile trace would: the builder changes a copy of its own, with a state
// made anew, the first having gone at the goroutine's end.
func TestThaw(t *testing.T) {
	b := newBuilder()
	s := b.goroutine(7)
	b.appendSpan(&s.g.Spans, Span{Start: 1, End: 2, State: Running, Block: -1})
	b.openBlock(s, "chan receive", 2, -1, false)
	s.g.Blocks.setEnd(0, 3, NoG)
	s.g.Ended = 4
	s.state = 0
	b.forget(s)
	b.events = 5
	part := b.snapshot()
	shared := part.Goroutine(7)
	if shared != b.tl.Goroutine(7) || !shared.frozen {
		t.Fatal("the snapshot copied a goroutine that had ended")
	}

	s = b.goroutine(7)
	if s.g == shared || b.tl.Goroutine(7) != s.g || s.g.frozen || len(b.tl.Goroutines) != 1 {
		t.Fatalf("the builder did not take a copy of the shared goroutine to change (%d goroutines)",
			len(b.tl.Goroutines))
	}
	s.g.Ended = NoTime
	b.appendSpan(&s.g.Spans, Span{Start: 5, End: 6, State: Running, Block: -1})
	b.openBlock(s, "select", 6, -1, false)
	s.g.Blocks.setEnd(0, 9, 3)
	if shared.Ended != 4 || shared.Spans.Len() != 1 || shared.Blocks.Len() != 1 ||
		shared.Blocks.At(0).End != 3 || shared.Blocks.At(0).WokenBy != NoG {
		t.Errorf("the shared goroutine changed: ended %d, %d spans, waits %+v",
			shared.Ended, shared.Spans.Len(), shared.Blocks.slice())
	}
	if g := s.g; g.Spans.Len() != 2 || g.Blocks.Len() != 2 || g.Blocks.At(1).Reason != "select" ||
		g.Blocks.At(0).End != 9 || g.Blocks.At(0).WokenBy != 3 {
		t.Errorf("the copy has %d spans, waits %+v", g.Spans.Len(), g.Blocks.slice())
	}
}
