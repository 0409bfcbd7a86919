package ui

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/gocspviz/gocspviz/tracer"
)

// A census says who waits where at a moment: the goroutines of the lanes
// that wait on a channel, a select or a lock, by reason and site. It is
// what the channels pane shows of a trace without annotations, at every
// step; a server's trace has tens of thousands of goroutines waiting at
// once, and counting them all anew took a step 1.2 ms for 20 thousand.
// So the census of the step before is kept, and moved to the next by
// looking again at the goroutines of the steps between them, which every
// wait begins and ends with; a move past more than censusMoves steps
// counts anew.
type census struct {
	at    []int32             // by lane: the site its goroutine waits at, or -1
	sites []censusSite        // every site met, waited at now or not
	index map[censusKey]int32 // the sites by reason and place

	t  tracer.Time // the moment counted
	ok bool        // t is counted, for the index's lanes as they are
}

// censusMoves is the most steps a census is moved by, rather than
// counted anew: moving it costs a few hundred nanoseconds a step.
const censusMoves = 256

// censusKey is what a site is told apart by.
type censusKey struct{ reason, where string }

// censusSite is the goroutines waiting at one site.
type censusSite struct {
	what  string  // "chan receive at server.go:88"
	lanes []int32 // the lanes waiting there, in order
}

// siteGroup is the goroutines waiting on one kind of operation at one
// place in the program.
type siteGroup struct {
	what  string   // "chan receive at server.go:88"
	n     int      // how many wait there
	names []string // the first maxSiteNames of them, in lane order
}

// maxSiteNames is how many of a site's goroutines a group names: more
// than a line of the pane holds. A server's trace can have thousands
// waiting at one site, and naming them all took most of a step's time.
const maxSiteNames = 40

// waitingAt returns who of the lanes waits at time t on another goroutine
// (a channel, a select, a lock), grouped by reason and site, the sites
// where most wait first: what a trace without annotations says of who
// waits for whom. The census is moved from the one before when it can be.
func (ix *index) waitingAt(t tracer.Time) []siteGroup {
	c := &ix.census
	steps := &ix.tl.Steps
	from, to := steps.Search(c.t+1), steps.Search(t+1) // the steps between, in (c.t, t] or (t, c.t]
	switch {
	case !c.ok || max(from-to, to-from) > censusMoves:
		c.reset(len(ix.rows))
		for _, lane := range ix.livingLanes(t) {
			c.look(lane, ix.lane(int(lane)), t)
		}
	default:
		for i := min(from, to); i < max(from, to); i++ {
			gi := ix.tl.GoroutineIndex(steps.At(i).G)
			if gi < 0 || ix.row[gi] < 0 {
				continue // not a lane
			}
			lane := ix.row[gi]
			c.leave(lane)
			c.look(lane, ix.tl.Goroutines[gi], t)
		}
	}
	c.t, c.ok = t, true
	return c.groups(ix)
}

// reset empties the census, to count n lanes.
func (c *census) reset(n int) {
	if len(c.at) != n {
		c.at = make([]int32, n)
		for i := range c.at {
			c.at[i] = -1
		}
	} else {
		for _, s := range c.sites {
			for _, lane := range s.lanes {
				c.at[lane] = -1
			}
		}
	}
	for i := range c.sites {
		c.sites[i].lanes = c.sites[i].lanes[:0]
	}
	c.ok = false
}

// look counts lane's goroutine g where it waits at time t, if it does.
func (c *census) look(lane int32, g *tracer.Goroutine, t tracer.Time) {
	sp, ok := spanAt(g, t)
	if !ok || sp.State != tracer.Waiting || sp.Block < 0 {
		return
	}
	reason, where := g.Blocks.Where(int(sp.Block))
	c.enter(lane, reason, where)
}

// enter counts lane as waiting for reason at where, if that is waiting
// on another goroutine.
func (c *census) enter(lane int32, reason, where string) {
	switch waitLook(reason) {
	case lookSend, lookRecv, lookSelect, lookSync:
	default:
		return
	}
	key := censusKey{reason, where}
	id, ok := c.index[key]
	if !ok {
		what := reason
		if where != "" {
			what += " at " + where
		}
		if c.index == nil {
			c.index = map[censusKey]int32{}
		}
		id = int32(len(c.sites))
		c.index[key] = id
		c.sites = append(c.sites, censusSite{what: what})
	}
	s := &c.sites[id]
	i, _ := slices.BinarySearch(s.lanes, lane)
	s.lanes = slices.Insert(s.lanes, i, lane)
	c.at[lane] = id
}

// leave counts lane as waiting nowhere.
func (c *census) leave(lane int32) {
	id := c.at[lane]
	if id < 0 {
		return
	}
	s := &c.sites[id]
	if i, ok := slices.BinarySearch(s.lanes, lane); ok {
		s.lanes = slices.Delete(s.lanes, i, i+1)
	}
	c.at[lane] = -1
}

// groups returns the sites waited at, those where most wait first, and
// of those where as many wait, the one with the first lane.
func (c *census) groups(ix *index) []siteGroup {
	var sites []*censusSite
	for i := range c.sites {
		if len(c.sites[i].lanes) > 0 {
			sites = append(sites, &c.sites[i])
		}
	}
	slices.SortFunc(sites, func(a, b *censusSite) int {
		return cmp.Or(cmp.Compare(len(b.lanes), len(a.lanes)), cmp.Compare(a.lanes[0], b.lanes[0]))
	})
	groups := make([]siteGroup, len(sites))
	for i, s := range sites {
		gr := siteGroup{what: s.what, n: len(s.lanes)}
		for _, lane := range s.lanes[:min(len(s.lanes), maxSiteNames)] {
			g := ix.lane(int(lane))
			gr.names = append(gr.names, fmt.Sprintf("%s g%d", tracer.ShortName(g.Name), g.ID))
		}
		groups[i] = gr
	}
	return groups
}
