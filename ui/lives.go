package ui

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/gocspviz/gocspviz/tracer"
)

// lifetimes finds the goroutines living at a moment without looking at
// every goroutine: the channels pane of a trace without annotations asks
// at every step who waits then, and a trace of go test has hundreds of
// thousands of goroutines, most of which live a few milliseconds. Looking
// at each of them took 9 ms a step for 210 thousand.
//
// The goroutines that live at most window, most of them, are kept in order
// of creation: those living at t were created in the window before it.
// The others, about one in a hundred, are looked at every time.
type lifetimes struct {
	tl     *tracer.Timeline
	short  []int32 // indexes into tl.Goroutines, by creation
	long   []int32 // indexes into tl.Goroutines
	window tracer.Time
}

func newLifetimes(tl *tracer.Timeline) lifetimes {
	lt := lifetimes{tl: tl, window: lifeWindow(tl)}
	for i, g := range tl.Goroutines {
		if life, ok := lifeOf(g); ok && life <= lt.window {
			lt.short = append(lt.short, int32(i))
		} else {
			lt.long = append(lt.long, int32(i))
		}
	}
	// The reader adds goroutines as it first sees them, mostly as they
	// are created: the sort has little to do.
	slices.SortFunc(lt.short, func(a, b int32) int {
		return cmp.Compare(tl.Goroutines[a].Created, tl.Goroutines[b].Created)
	})
	return lt
}

// lifeOf returns how long g lived, or false if it was there at the
// trace's start or its end (or, in a timeline made by hand, ended before
// it began).
func lifeOf(g *tracer.Goroutine) (tracer.Time, bool) {
	if g.Created == tracer.NoTime || g.Ended == tracer.NoTime || g.Ended < g.Created {
		return 0, false
	}
	return g.Ended - g.Created, true
}

// lifeWindow returns a length of time at least as long as 99 in 100 of the
// goroutines that began and ended in the trace lived, and at most twice
// as long: the power of two above their 99th percentile, which a count of
// the lifetimes by their power of two finds without sorting them.
func lifeWindow(tl *tracer.Timeline) tracer.Time {
	var counts [64]int
	n := 0
	for _, g := range tl.Goroutines {
		if life, ok := lifeOf(g); ok {
			counts[bits.Len64(uint64(life))]++
			n++
		}
	}
	seen := 0
	for k, c := range counts {
		if seen += c; seen*100 >= n*99 && n > 0 {
			return tracer.Time(1)<<k - 1 // the most a life of k bits can be
		}
	}
	return 0
}

// at calls f with the index in tl.Goroutines of each goroutine living at
// t (see tracer.Goroutine.Lives), in no particular order.
func (lt *lifetimes) at(t tracer.Time, f func(i int32)) {
	gs := lt.tl.Goroutines
	for _, i := range lt.long {
		if gs[i].Lives(t) {
			f(i)
		}
	}
	// The short-lived ones created in the window up to t.
	from, _ := slices.BinarySearchFunc(lt.short, t-lt.window, func(i int32, t tracer.Time) int {
		return cmp.Compare(gs[i].Created, t)
	})
	for _, i := range lt.short[from:] {
		if gs[i].Created > t {
			break
		}
		if gs[i].Lives(t) {
			f(i)
		}
	}
}
