package tracer

import (
	"reflect"
	"testing"
)

// TestStacks checks that stacks keep their frames, each distinct frame
// once, and that a clip stays as it was while stacks are added.
func TestStacks(t *testing.T) {
	main := Frame{Func: "main.main", File: "/x/main.go", Line: 10}
	send := Frame{Func: "runtime.chansend1", File: "/go/chan.go", Line: 161}
	recv := Frame{Func: "runtime.chanrecv1", File: "/go/chan.go", Line: 489}
	want := [][]Frame{{send, main}, {recv, main}, {main}, {send, recv, send, main}}
	s := MakeStacks(want...)
	check := func(what string, s *Stacks, want [][]Frame) {
		t.Helper()
		if s.Len() != len(want) {
			t.Fatalf("%s: %d stacks, want %d", what, s.Len(), len(want))
		}
		for i, frames := range want {
			if got := s.At(int32(i)); !reflect.DeepEqual(got, frames) {
				t.Errorf("%s: stack %d is %v, want %v", what, i, got, frames)
			}
			if got := s.Outermost(int32(i)); got != frames[len(frames)-1] {
				t.Errorf("%s: stack %d's outermost frame is %v, want %v", what, i, got, frames[len(frames)-1])
			}
		}
	}
	check("made", &s, want)
	if len(s.frames) != 3 {
		t.Errorf("%d frames kept, want 3", len(s.frames))
	}

	c := s.clip()
	s.add([]Frame{{Func: "main.other", File: "/x/main.go", Line: 20}, main})
	s.At(0)[0] = recv // a stack's frames are the caller's to change
	check("clipped", &c, want)
	if i := c.add([]Frame{main}); i != 4 || !reflect.DeepEqual(s.At(4)[0].Func, "main.other") {
		t.Errorf("a stack added to the clip is %d and changed the stacks clipped", i)
	}
}
