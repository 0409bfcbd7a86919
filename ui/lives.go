package ui

import (
	"cmp"
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
// The others, fewer than one in a hundred, are looked at every time.
type lifetimes struct {
	tl     *tracer.Timeline
	short  []int32 // indexes into tl.Goroutines, by creation
	long   []int32 // indexes into tl.Goroutines
	window tracer.Time
}

func newLifetimes(tl *tracer.Timeline) lifetimes {
	lt := lifetimes{tl: tl}
	var lives []tracer.Time
	for _, g := range tl.Goroutines {
		if g.Created != tracer.NoTime && g.Ended != tracer.NoTime {
			lives = append(lives, g.Ended-g.Created)
		}
	}
	if len(lives) > 0 {
		slices.Sort(lives)
		lt.window = lives[len(lives)*99/100]
	}
	for i, g := range tl.Goroutines {
		if g.Created != tracer.NoTime && g.Ended != tracer.NoTime && g.Ended-g.Created <= lt.window {
			lt.short = append(lt.short, int32(i))
		} else {
			lt.long = append(lt.long, int32(i))
		}
	}
	slices.SortFunc(lt.short, func(a, b int32) int {
		return cmp.Compare(tl.Goroutines[a].Created, tl.Goroutines[b].Created)
	})
	return lt
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
