package ui

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

// TestCensusMoves checks the census kept from step to step against one
// counted anew, at every step forward and back and after jumps short and
// long, with every lane, the runtime's too, and a filter's.
func TestCensusMoves(t *testing.T) {
	same := func(a, b siteGroup) bool { return a.what == b.what && a.n == b.n && slices.Equal(a.names, b.names) }
	for _, tc := range []struct {
		name string
		tl   *tracer.Timeline
	}{
		{"short-lived", shortLived(3000, 40)},
		{"pipeline", pipeline(t, "-n", "300")},
		{"chat", scenario(t, "chat", "-clients", "6", "-says", "10", "-pause", "1ms")},
	} {
		for _, lanes := range []struct {
			system bool
			filter string
		}{{false, ""}, {true, ""}, {false, "handler1"}, {false, "main"}} {
			ix := newIndex(tc.tl, lanes.system)
			ix.setFilter(lanes.filter)
			steps := &tc.tl.Steps
			n := steps.Len()
			// Forward and back a step at a time, and jumps.
			var at []int
			for i := range min(n, 2000) {
				at = append(at, i)
			}
			for i := min(n, 2000) - 1; i >= 0; i -= 3 {
				at = append(at, i)
			}
			r := rand.New(rand.NewPCG(1, uint64(n)))
			for range 300 {
				i := r.IntN(n)
				at = append(at, i, min(i+r.IntN(40), n-1), max(i-r.IntN(400), 0))
			}
			counted := 0
			for _, i := range at {
				tm := steps.Time(i)
				got, want := ix.waitingAt(tm), waitingBySite(ix, tm)
				if !slices.EqualFunc(got, want, same) {
					t.Fatalf("%s, lanes %+v, at step %d (%d): moved, %v; counted anew, %v",
						tc.name, lanes, i, tm, got, want)
				}
				counted += len(want)
			}
			if lanes.filter == "" && counted == 0 {
				t.Errorf("%s: nobody waits at any step: the test tests nothing", tc.name)
			}
		}
	}
}

// waitingBySite is the census of ix's lanes at time t counted anew, what
// waitingAt must agree with.
func waitingBySite(ix *index, t tracer.Time) []siteGroup {
	var c census
	c.reset(len(ix.rows))
	for lane := range ix.rows {
		c.look(int32(lane), ix.lane(lane), t)
	}
	return c.groups(ix)
}
