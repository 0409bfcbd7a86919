package ui

import (
	"strconv"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want target
		err  bool
	}{
		{"12ms", target{at: 12e6, g: -1}, false},
		{" 1.5s ", target{at: 15e8, g: -1}, false},
		{"300us", target{at: 3e5, g: -1}, false},
		{"g 17", target{g: 17}, false},
		{"g17", target{g: 17}, false},
		{"g", target{}, true},
		{"g x", target{}, true},
		{"-3ms", target{}, true},
		{"soon", target{}, true},
	}
	for _, tc := range tests {
		got, err := parseTarget(tc.in)
		if (err != nil) != tc.err || !tc.err && got != tc.want {
			t.Errorf("parseTarget(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestGoTo types : targets and checks, in the header, the step the cursor
// lands on.
func TestGoTo(t *testing.T) {
	tl := pipeline(t)
	ix := newIndex(tl, false)
	var counter tracer.GID = -1
	for _, g := range tl.Goroutines {
		if tracer.ShortName(g.Name) == "counter" {
			counter = g.ID
		}
	}
	stepOf := func(pos int) string { return "step " + strconv.Itoa(pos+1) + "/" + strconv.Itoa(ix.steps.Len()) }
	h := start(t, tl)

	// A goroutine: the cursor goes to its first step, its creation.
	f := h.keys("End", ":", "g "+strconv.Itoa(int(counter)), "Enter")
	wantText(t, f, stepOf(int(ix.stepsOf(counter).at(0))))

	// A time after the end says so and leaves the cursor.
	f = h.keys(":", "1h", "Enter")
	wantText(t, f, "no step at or after", stepOf(int(ix.stepsOf(counter).at(0))))

	// A time at the start goes to the first step; nonsense is refused.
	f = h.keys(":", "0s", "Enter")
	wantText(t, f, stepOf(0))
	f = h.keys(":", "soon", "Enter")
	wantText(t, f, "neither a time", stepOf(0))
}
