package tracer

import "testing"

// TestInOrder checks that a builder notes a step that comes before the one
// before it, and a span that begins before the goroutine's last ended,
// which is how Read finds parts of a trace that overlap in time.
func TestInOrder(t *testing.T) {
	build := func(id GID, stepTimes []Time, spanStarts []Time) *builder {
		b := newBuilder()
		s := b.goroutine(id)
		for _, st := range stepTimes {
			b.step(Step{Time: st, Kind: StepEnd, G: id})
		}
		for _, start := range spanStarts {
			s.state, s.since = Running, start
			b.closeSpan(s, start+10)
		}
		return b
	}
	cases := []struct {
		name        string
		steps, runs []Time
		want        bool
	}{
		{"in order", []Time{1, 2, 2, 5}, []Time{0, 10, 30}, true},
		{"a step before the one before", []Time{1, 5, 4}, []Time{0, 10}, false},
		{"a span before the one before ended", []Time{1, 2}, []Time{0, 5}, false},
	}
	for _, c := range cases {
		if got := inOrder(build(1, c.steps, c.runs)); got != c.want {
			t.Errorf("%s: inOrder = %v, want %v", c.name, got, c.want)
		}
	}

	// A goroutine a later part began keeps the spans that part made.
	b, p := build(1, []Time{1}, []Time{0}), build(2, []Time{20}, []Time{20, 25})
	b.stitch(p)
	if inOrder(b) {
		t.Errorf("stitched a part whose new goroutine's spans overlap: inOrder = true, want false")
	}
}
