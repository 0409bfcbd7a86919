package ui

import (
	"runtime"
	"slices"
	"testing"

	"github.com/gdamore/tcell/v2"
)

// TestLanesInParallel draws a frame of many lanes, whose looks are found on
// several goroutines, and checks each lane's looks against those found
// one lane after another.
func TestLanesInParallel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	tl := synthetic(100, 3000, 2, 500)
	r := newReplay(tl, Options{Title: "test"})
	sim := tcell.NewSimulationScreen("UTF-8")
	screen := newDeltaScreen(sim)
	if err := screen.Init(); err != nil {
		t.Fatal(err)
	}
	sim.SetSize(200, 60)
	r.root.SetRect(0, 0, 200, 60)
	drawFrame(r, screen)
	c := r.lanes.cache
	if len(c.looks) < 2*minLanesEach {
		t.Fatalf("%d lanes drawn, want enough to share out", len(c.looks))
	}
	for id, got := range c.looks {
		want := laneLooks(tl, r.ix, tl.Goroutine(id), c.from, c.to, c.cols)
		if !slices.Equal(got, want) {
			t.Fatalf("goroutine %d: looks %v, want %v", id, got, want)
		}
	}
}
