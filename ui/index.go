package ui

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gocspviz/gocspviz/tracer"
)

// never is the step index of something that does not happen.
const never = math.MaxInt32

// index holds what the views need from a timeline in the form they need
// it, derived once: the lanes and steps shown, each goroutine's steps and
// wake-ups, and for every channel operation the step at which it completed.
type index struct {
	tl         *tracer.Timeline
	showSystem bool

	// The goroutines as indexes in tl.Goroutines, not pointers: half the
	// room, and nothing for the collector to scan, on a trace of millions.
	all      []int32            // the goroutines shown, in order of creation or as a tree
	depth    map[tracer.GID]int // a goroutine's depth in the tree; nil when not grouped
	filter   string             // lanes show the goroutines whose label has this
	rows     []int32            // the lanes: all, or filtered
	filtered []int32            // rows' room when filtered, kept from one filter to the next
	row      []int32            // by index in tl.Goroutines: the goroutine's lane, or -1
	steps    shownSteps         // the steps shown, numbers of tl.Steps

	// By index in tl.Goroutines: the marks of each goroutine, the steps
	// (numbers of tl.Steps) at which it completed channel operations or
	// logged, drawn on its lane.
	markLists glists

	// nav has the lists the keys that move along a goroutine's steps or
	// wake-ups need, which the views do not: nil until made (see navs).
	nav *navLists

	chans []chanIndex // by index in tl.Channels
	lives lifetimes   // who lives when

	living []int32 // livingLanes' room
	census census  // who waits where at the step shown last (see waitingAt)
}

// navLists are the lists of an index that only keys need. By index in
// tl.Goroutines: positions in the index's steps, ascending, of each
// goroutine's own steps and of the wake-ups and creations it made,
// packed. edges has a bit for each item of steps, set for a wake-up or
// creation of its goroutine: a list of those took 24 MB on a trace of 2
// million goroutines, the bits 1.5. They were most of an index, 82 MiB
// of 106 for that trace, before they were packed.
type navLists struct {
	tl         *tracer.Timeline
	showSystem bool
	steps      packedGlists
	woke       packedGlists
	edges      bitset
}

// navs returns the index's navigation lists, made now if they are not yet.
// The replay of a trace being loaded is handed them apart (see Load).
func (ix *index) navs() *navLists {
	if ix.nav == nil {
		ix.nav = scanSteps(ix.tl, ix.showSystem, false, true, nil).nav
	}
	return ix.nav
}

// adoptNav takes nav as the index's navigation lists if they are this
// index's and it has none yet, and reports whether it did.
func (ix *index) adoptNav(nav *navLists) bool {
	if ix.nav != nil || nav.tl != ix.tl || nav.showSystem != ix.showSystem {
		return false
	}
	ix.nav = nav
	return true
}

// stepsOf returns the positions of goroutine g's steps.
func (ix *index) stepsOf(g tracer.GID) glist {
	return ix.navs().steps.of(int32(ix.tl.GoroutineIndex(g)))
}

// wokenAtOrBefore returns the position of the last wake-up or creation
// of g at or before pos, or -1.
func (ix *index) wokenAtOrBefore(g tracer.GID, pos int) int {
	nav, gi := ix.navs(), int32(ix.tl.GoroutineIndex(g))
	ps := nav.steps.of(gi)
	n := ps.search(int32(pos) + 1) // the first n lie at or before pos
	if n == 0 {
		return -1
	}
	from := int(nav.steps.start[gi])
	if k := nav.edges.lastIn(from, from+n); k >= 0 {
		return int(ps.at(k - from))
	}
	return -1
}

// woke returns the positions of the wake-ups and creations g made.
func (ix *index) woke(g tracer.GID) glist {
	return ix.navs().woke.of(int32(ix.tl.GoroutineIndex(g)))
}

// marks returns the numbers of the steps marked on g's lane.
func (ix *index) marks(g tracer.GID) []int32 {
	return ix.markLists.of(int32(ix.tl.GoroutineIndex(g)))
}

// chanIndex is what channelAt needs to find the operations that show in a
// channel's picture at a step without scanning all that came before.
//
// An operation shows from when it begins until gone: a send while it waits
// and then while its value is in the channel, a receive while it waits. The
// operations showing at step k are among those begun by then, and of those,
// the ones before checkpoint c (the first c*every operations) that still
// show at step k also showed at the first step by which all of them had
// begun, so they are in open[c]. A query reads open[c] and scans fewer than
// every operations after it. open[c] holds only what was pending at one
// moment, at most about one operation per goroutine.
//
// The step at which an operation completed, its wait, and the receive
// that got a send's value are looked up when asked for (see opEnd, waitOf
// and recvOf): kept for every operation, they were more than half of the
// index of a pipeline.
type chanIndex struct {
	received bitset    // the sends whose value a receive got
	gone     []int32   // the step from which each operation no longer shows
	closed   int32     // the step closing the channel, or never
	every    int       // operations between checkpoints
	open     [][]int32 // open[c]: operations before c*every that show at its first step
}

// newIndex returns the index of tl, with its navigation lists.
func newIndex(tl *tracer.Timeline, showSystem bool) *index {
	return makeIndex(tl, showSystem, true)
}

// makeIndex returns the index of tl, with its navigation lists when nav,
// else without: navs makes them when first asked.
func makeIndex(tl *tracer.Timeline, showSystem, nav bool) *index {
	ix := &index{tl: tl, showSystem: showSystem, lives: newLifetimes(tl)}
	ix.all = make([]int32, 0, len(tl.Goroutines))
	for i, g := range tl.Goroutines {
		if showSystem || !g.System {
			ix.all = append(ix.all, int32(i))
		}
	}
	ix.byCreation()

	// The steps shown, the marks on the lanes, and when each channel
	// operation completed, which the checkpoints turn into when it no
	// longer shows.
	sc := scanSteps(tl, showSystem, true, nav, nil)
	ix.steps, ix.markLists, ix.nav = sc.steps, sc.marks, sc.nav
	ix.chans = make([]chanIndex, len(tl.Channels))
	for ci, c := range tl.Channels {
		// Checkpoints a square root of the operations apart, at least
		// 64: a query scans at most that many, and the checkpoints cost
		// as much.
		ix.chans[ci].checkpoint(tl, c, sc.opEnd[ci], max(64, int(math.Sqrt(float64(c.Ops.Len())))))
	}
	return ix
}

// stepScan is what scanSteps makes of a timeline's steps.
type stepScan struct {
	// When asked for the views: the steps shown, the marks of each
	// goroutine, and the step at which each channel operation completed,
	// or never.
	steps shownSteps
	marks glists
	opEnd [][]int32

	nav *navLists // when asked for
}

// scanSteps goes through tl's steps to make what the views need of them
// when views, and the navigation lists when nav. If stop is closed before
// it is done, it stops, and returns nothing. A trace has millions of
// steps: it reads their briefs (see tracer.StepBrief), which name their
// goroutines by index, and counts first to make lists of the right
// length (lists grown by append took several times their size, and a
// lookup for each list of each step, most of the index's time). A
// goroutine no step names has empty lists, which take 4 bytes each. The
// navigation lists are packed as they are made, which takes a third
// pass: made whole first, and packed after, they took as much room at
// their peak as they did unpacked.
func scanSteps(tl *tracer.Timeline, showSystem, views, nav bool, stop <-chan struct{}) stepScan {
	stopped := func(i int) bool {
		if i%(1<<16) != 0 || stop == nil {
			return false
		}
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	var marks glists
	var navSteps, navWoke glistPacker
	if views {
		marks = newGlists(len(tl.Goroutines))
	}
	if nav {
		navSteps, navWoke = newGlistPacker(len(tl.Goroutines)), newGlistPacker(len(tl.Goroutines))
	}
	shownG := make([]bool, len(tl.Goroutines)) // the goroutine's steps are shown
	for i, g := range tl.Goroutines {
		shownG[i] = showSystem || !g.System
	}
	for i, s := range tl.Briefs() {
		if stopped(i) {
			return stepScan{}
		}
		g := s.G
		if g < 0 {
			continue // not in the timeline, which Read never makes
		}
		if views && isMark(s) {
			marks.count(g)
		}
		if nav && shownG[g] {
			navSteps.count(g)
			if isEdgeKind(s.Kind) {
				if o := s.Other; o >= 0 {
					navWoke.count(o)
				}
			}
		}
	}
	if views {
		marks.open()
	}
	if nav {
		navSteps.open()
		navWoke.open()
	}
	var sc stepScan
	if views {
		sc.opEnd = make([][]int32, len(tl.Channels))
		for ci, c := range tl.Channels {
			sc.opEnd[ci] = make([]int32, c.Ops.Len())
			for i := range sc.opEnd[ci] {
				sc.opEnd[ci][i] = never
			}
		}
	}
	pos := int32(0) // the position of the next step shown
	for i, s := range tl.Briefs() {
		if stopped(i) {
			return stepScan{}
		}
		if views && s.Chan >= 0 && s.Op >= 0 {
			sc.opEnd[s.Chan][s.Op] = int32(i)
		}
		g := s.G
		if g < 0 {
			continue
		}
		if views && isMark(s) {
			marks.put(g, int32(i))
		}
		if !shownG[g] {
			continue
		}
		if views {
			sc.steps.add(int32(i))
		}
		if nav {
			navSteps.bound(g, pos)
			if isEdgeKind(s.Kind) {
				if o := s.Other; o >= 0 {
					navWoke.bound(o, pos)
				}
			}
		}
		pos++
	}
	sc.steps.done()
	sc.marks = marks
	if !nav {
		return sc
	}

	// The navigation lists, packed: a third time through the steps.
	navSteps.pack()
	navWoke.pack()
	edges := newBitset(navSteps.total())
	pos = 0
	for i, s := range tl.Briefs() {
		if stopped(i) {
			return stepScan{}
		}
		g := s.G
		if g < 0 || !shownG[g] {
			continue
		}
		at := navSteps.place(g, pos)
		if isEdgeKind(s.Kind) {
			edges.set(int(at))
			if o := s.Other; o >= 0 {
				navWoke.place(o, pos)
			}
		}
		pos++
	}
	sc.nav = &navLists{tl: tl, showSystem: showSystem,
		steps: navSteps.done(), woke: navWoke.done(), edges: edges}
	return sc
}

// isMark reports whether step s is drawn as a mark on its goroutine's
// lane: a completed channel operation, or a user annotation.
func isMark(s tracer.StepBrief) bool {
	return s.Chan >= 0 && s.Op >= 0 || s.Kind == tracer.StepLog
}

// mark returns the time and kind of the mark of step k (see isMark).
func (ix *index) mark(k int32) (tracer.Time, tracer.OpKind) {
	s := ix.tl.Steps.At(int(k))
	if s.Kind == tracer.StepLog {
		return s.Time, markLog
	}
	return s.Time, ix.tl.Channels[s.Chan].Ops.At(int(s.Op)).Kind
}

// opEnd returns the step at which operation i of channel ci completed,
// or never.
func (ix *index) opEnd(ci int32, i int32) int32 {
	steps := &ix.tl.Steps
	end := ix.tl.Channels[ci].Ops.At(int(i)).End
	if end == tracer.NoTime {
		return never
	}
	for k := steps.Search(end); k < steps.Len() && steps.Time(k) == end; k++ {
		if s := steps.At(k); s.Chan == ci && s.Op == i {
			return int32(k)
		}
	}
	return never
}

// recvOf returns the receive of channel ci that got the value of send i,
// or -1. It looks for it from the send outwards: a receive begins near the
// send it gets, within about as many operations as goroutines wait on the
// channel or values fit in its buffer.
func (ix *index) recvOf(ci int32, i int32) int32 {
	if !ix.chans[ci].got(i) {
		return -1
	}
	ops := &ix.tl.Channels[ci].Ops
	n := int32(ops.Len())
	for d := int32(1); i-d >= 0 || i+d < n; d++ {
		for _, j := range [2]int32{i + d, i - d} {
			if j < 0 || j >= n {
				continue
			}
			if op := ops.At(int(j)); op.Kind == tracer.Recv && op.Send == i {
				return j
			}
		}
	}
	return -1
}

// waitOf returns the wait of operation i of channel ci in its goroutine's
// Blocks: the one tied to the operation, or for a case a select chose,
// the select's last; or -1. The waits of an operation begin while it is
// under way.
func (ix *index) waitOf(ci int32, i int32) int32 {
	op := ix.tl.Channels[ci].Ops.At(int(i))
	g := ix.tl.Goroutine(op.G)
	if g == nil {
		return -1
	}
	bs := g.Blocks
	b := sort.Search(bs.Len(), func(b int) bool { return bs.At(b).Start >= op.Start })
	wait := int32(-1)
	for ; b < bs.Len(); b++ {
		blk := bs.At(b)
		if op.End != tracer.NoTime && blk.Start > op.End {
			break
		}
		switch {
		case blk.Chan == ci && blk.Op == i:
			return int32(b)
		case op.Select >= 0 && blk.Select == op.Select:
			wait = int32(b)
		}
	}
	return wait
}

// got reports whether a receive got the value of send i.
func (ch *chanIndex) got(i int32) bool { return ch.received.has(int(i)) }

// checkpoint fills in received, gone, closed and the checkpoints of
// channel c, every so many operations. It is handed in gone the step at
// which each operation completed, or never, and makes it the step from
// which each no longer shows.
func (ch *chanIndex) checkpoint(tl *tracer.Timeline, c *tracer.Channel, gone []int32, every int) {
	n := c.Ops.Len()
	ch.gone, ch.received, ch.closed = gone, newBitset(n), never
	for _, op := range c.Ops.All() {
		if s := op.Send; op.Kind == tracer.Recv && s >= 0 {
			ch.received.set(int(s))
		}
	}
	// A send shows until the receive that got its value completed (on an
	// unbuffered channel that receive often begins before it), and one
	// whose value nobody got stays in the channel for good.
	for i, op := range c.Ops.All() {
		switch {
		case op.Kind == tracer.Recv && op.Send >= 0:
			gone[op.Send] = max(gone[op.Send], gone[i])
		case op.Kind == tracer.Send && !ch.got(int32(i)) && gone[i] != never:
			gone[i] = never
		case op.Kind == tracer.Close:
			ch.closed = min(ch.closed, gone[i])
		}
	}

	ch.every = every
	ch.open = make([][]int32, n/ch.every+1)
	var open []int32
	for cp := 1; cp < len(ch.open); cp++ {
		// The first step by which operations [0, cp*every) have all begun.
		last := c.Ops.At(int(cp*ch.every - 1)).Start
		k := tl.Steps.Search(last)
		var next []int32
		for _, i := range open {
			if ch.gone[i] > int32(k) {
				next = append(next, i)
			}
		}
		for i := (cp - 1) * ch.every; i < cp*ch.every; i++ {
			if ch.gone[i] > int32(k) {
				next = append(next, int32(i))
			}
		}
		ch.open[cp], open = next, next
	}
}

// showing calls visit, in the order they began, for the operations of
// channel c that show at step k: begun by then, and not yet gone.
func (ch *chanIndex) showing(c *tracer.Channel, t tracer.Time, k int32, visit func(i int)) {
	begun := sort.Search(c.Ops.Len(), func(i int) bool { return c.Ops.At(i).Start > t })
	cp := begun / ch.every
	for _, i := range ch.open[cp] {
		if ch.gone[i] > k {
			visit(int(i))
		}
	}
	for i := cp * ch.every; i < begun; i++ {
		if ch.gone[i] > k {
			visit(i)
		}
	}
}

// byCreation orders the lanes by creation, as they are when not grouped,
// with the filter's lanes shown.
func (ix *index) byCreation() {
	gs := ix.tl.Goroutines
	slices.SortStableFunc(ix.all, func(i, j int32) int {
		a, b := gs[i], gs[j]
		return cmp.Or(cmp.Compare(a.Created, b.Created), cmp.Compare(a.ID, b.ID))
	})
	ix.depth = nil
	ix.setFilter(ix.filter)
}

// groupByParent orders the lanes as a tree: every goroutine under the one
// that created it, children in order of creation; depth says how deep each
// is. A goroutine whose creator is not shown is a root.
func (ix *index) groupByParent() {
	gs := ix.tl.Goroutines
	shown := make(map[tracer.GID]bool, len(ix.all))
	for _, i := range ix.all {
		shown[gs[i].ID] = true
	}
	children := map[tracer.GID][]int32{}
	var roots []int32
	for _, i := range ix.all {
		if g := gs[i]; g.Parent != tracer.NoG && shown[g.Parent] && g.Parent != g.ID {
			children[g.Parent] = append(children[g.Parent], i)
		} else {
			roots = append(roots, i)
		}
	}

	// Depth first, without recursion: a program may nest goroutines
	// deeply (a walker per directory).
	ix.depth = make(map[tracer.GID]int, len(ix.all))
	ordered := make([]int32, 0, len(ix.all))
	stack := slices.Clone(roots)
	slices.Reverse(stack)
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ordered = append(ordered, i)
		id := gs[i].ID
		kids := children[id]
		for k := len(kids) - 1; k >= 0; k-- {
			ix.depth[gs[kids[k]].ID] = ix.depth[id] + 1
			stack = append(stack, kids[k])
		}
	}
	ix.all = ordered
	ix.setFilter(ix.filter)
}

// lane returns the goroutine of lane i.
func (ix *index) lane(i int) *tracer.Goroutine { return ix.tl.Goroutines[ix.rows[i]] }

// rowOf returns the lane of goroutine id, or -1.
func (ix *index) rowOf(id tracer.GID) int {
	if i := ix.tl.GoroutineIndex(id); i >= 0 {
		return int(ix.row[i])
	}
	return -1
}

// label is a lane's name, indented by its depth when grouped by parent,
// cut to width. A name too long is cut before its goroutine's number,
// which tells apart the many lanes of one function.
func (ix *index) label(g *tracer.Goroutine, width int) string {
	indent := strings.Repeat(" ", min(ix.depth[g.ID], 6))
	num := fmt.Sprintf(" g%d", g.ID)
	name := indent + tracer.ShortName(g.Name)
	if room := width - len(num); utf8.RuneCountInString(name) > room && room > len(indent)+1 {
		name = fit(name, room)
	}
	return fit(name+num, width)
}

// setFilter shows as lanes the goroutines whose label (see laneFilter)
// contains filter, all of them when it is empty: then the lanes are all
// itself, without a copy.
func (ix *index) setFilter(filter string) {
	ix.filter = filter
	ix.census.ok = false // the lanes change
	if len(ix.row) != len(ix.tl.Goroutines) {
		ix.row = make([]int32, len(ix.tl.Goroutines))
	}
	for i := range ix.row {
		ix.row[i] = -1
	}
	if filter == "" {
		ix.rows = ix.all
		for lane, i := range ix.all {
			ix.row[i] = int32(lane)
		}
		return
	}
	ix.rows = ix.filtered[:0]
	lf := newLaneFilter(filter)
	for _, i := range ix.all {
		if lf.matches(ix.tl.Goroutines[i]) {
			ix.row[i] = int32(len(ix.rows))
			ix.rows = append(ix.rows, i)
		}
	}
	ix.filtered = ix.rows
}

// stepAt returns the position in ix.steps of the last shown step at or
// before timeline step i, or 0.
func (ix *index) stepAt(i int32) int { return ix.steps.PosOf(i) }

// window returns the span of time the lanes fit: the recorded program's
// run, with a little room on either side.
func (ix *index) window() (tracer.Time, tracer.Time) {
	from, to := ix.tl.Begin, max(ix.tl.End, ix.tl.Begin+1)
	pad := (to - from) / 100
	return max(from-pad, 0), to + pad
}

// livingLanes returns the lanes whose goroutines live at time t, in
// order. The slice is the index's own, good until the next call: the
// channels pane counts them, for as many as all the goroutines.
func (ix *index) livingLanes(t tracer.Time) []int32 {
	lanes := ix.living[:0]
	ix.lives.at(t, func(i int32) {
		if r := ix.row[i]; r >= 0 {
			lanes = append(lanes, r)
		}
	})
	slices.Sort(lanes)
	ix.living = lanes
	return lanes
}

// spanAt returns the span of g covering time t, or false when g did not
// exist then.
func spanAt(g *tracer.Goroutine, t tracer.Time) (tracer.Span, bool) {
	if !g.Lives(t) {
		return tracer.Span{}, false
	}
	_, sp, ok := g.Spans.Find(t)
	return sp, ok
}

// nextMark returns the index of the first of the marks ms (a lane's:
// indexes into steps, in time order) at or after from, searching from
// index i on. It gallops, so that a lane drawn column by column costs
// little more than the marks it passes, however many marks the lane has.
// It returns len(ms) if there is none.
func nextMark(steps *tracer.Steps, ms []int32, i int, from tracer.Time) int {
	at := func(k int) tracer.Time { return steps.Time(int(ms[k])) }
	if i >= len(ms) || at(i) >= from {
		return i
	}
	// at(lo) < from; find hi with at(hi) >= from by doubling steps.
	lo, step := i, 1
	hi := lo + step
	for hi < len(ms) && at(hi) < from {
		lo, step = hi, step*2
		hi = lo + step
	}
	hi = min(hi, len(ms))
	j, _ := slices.BinarySearchFunc(ms[lo+1:hi], from, func(k int32, t tracer.Time) int {
		return cmp.Compare(steps.Time(int(k)), t)
	})
	return lo + 1 + j
}
