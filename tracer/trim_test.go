package tracer

import (
	"slices"
	"testing"
	"unsafe"
)

// TestTrim checks that spans and waits given back their room to grow read
// as before, that the spans sharing an arena's chunk stay apart when one of
// them grows again, and that a trimmed list is no longer shared.
func TestTrim(t *testing.T) {
	var arena byteArena
	var all [][]Span
	var kept []Spans
	for n := range 200 { // short and long, past arenaChunk/16 bytes
		var want []Span
		var s Spans
		at := Time(0)
		for i := range n * 7 {
			sp := Span{Start: at, End: at + Time(i*64+1), State: State(1 + i%4), Block: -1}
			want = append(want, sp)
			s.Append(sp)
			at = sp.End
		}
		s.trim(&arena)
		// In the arena, exactly; alone, in the heap's size for it.
		if short := len(s.data) <= arenaChunk/16; short && cap(s.data) != len(s.data) ||
			cap(s.data) > len(s.data)+len(s.data)/4 {
			t.Fatalf("%d spans kept %d bytes for %d", len(want), cap(s.data), len(s.data))
		}
		all, kept = append(all, want), append(kept, s)
	}
	// Growing the first again must not write over the second's bytes.
	grown := Span{Start: all[1][len(all[1])-1].End, End: 1 << 40, State: Running, Block: -1}
	kept[1].Append(grown)
	all[1] = append(all[1], grown)
	for i, s := range kept {
		var got []Span
		for _, sp := range s.All() {
			got = append(got, sp)
		}
		if !slices.Equal(got, all[i]) {
			t.Fatalf("spans %d read %v once trimmed, want %v", i, got, all[i])
		}
	}

	var bs Blocks
	for i := range 10 {
		bs.add(Block{Reason: "chan receive", Start: Time(i), End: NoTime, WokenBy: NoG,
			Stack: -1, Chan: -1, Op: -1, Select: -1})
	}
	shared := bs.share(bs.names)
	bs.list.trim()
	if c := bs.list.chunks[0]; len(c) != cap(c) || bs.list.shared != 0 {
		t.Fatalf("trimmed waits keep %d for %d, %d shared", cap(c), len(c), bs.list.shared)
	}
	bs.setEnd(3, 100, 7)
	if b := shared.At(3); b.End != NoTime {
		t.Errorf("a shared wait ended at %d when the trimmed list's did", b.End)
	}
	if b := bs.At(3); b.End != 100 || b.WokenBy != 7 {
		t.Errorf("trimmed wait 3 ended at %d, woken by %d; want 100, 7", b.End, b.WokenBy)
	}
}

// TestGoroutineSize keeps a Goroutine, and the waits of one that waits,
// within their size classes: a trace of go test time has two million
// goroutines, and at 176 bytes their structs were half its timeline; one
// of go test net/http has tens of thousands that wait.
func TestGoroutineSize(t *testing.T) {
	if n := unsafe.Sizeof(Goroutine{}); n > 112 {
		t.Errorf("a Goroutine takes %d bytes, more than 112", n)
	}
	if n := unsafe.Sizeof(Blocks{}); n > 48 {
		t.Errorf("a goroutine's Blocks take %d bytes, more than 48", n)
	}
}
