package ui

import (
	"runtime"
	"slices"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/gocspviz/gocspviz/tracer"
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

// TestBriefGoroutineShows checks that a goroutine that lives within a
// column, off its middle, still shows in that column and nowhere else: in
// its last state when it ended before the middle, in its first when it
// began after it.
func TestBriefGoroutineShows(t *testing.T) {
	brief := &tracer.Goroutine{ID: 7, Name: "main.brief", Created: 12, Ended: 15, Spans: tracer.MakeSpans(
		tracer.Span{Start: 12, End: 14, State: tracer.Running, Block: -1},
		tracer.Span{Start: 14, End: 15, State: tracer.Runnable, Block: -1},
	)}
	late := &tracer.Goroutine{ID: 8, Name: "main.late", Created: 38, Ended: tracer.NoTime, Spans: tracer.MakeSpans(
		tracer.Span{Start: 38, End: 100, State: tracer.Runnable, Block: -1},
	)}
	tl := &tracer.Timeline{Duration: 100, End: 100, Goroutines: []*tracer.Goroutine{brief, late}}
	ix := newIndex(tl, false)
	// Ten columns of 10 ns each: the brief one lives in the second, after
	// its middle (15); the late one begins in the fourth, after its middle
	// (35), and is at the middle of each column after.
	got := laneLooks(tl, ix, brief, 0, 100, 10)
	want := make([]look, 10)
	for i := range want {
		want[i] = lookNone
	}
	want[1] = lookRunnable
	if !slices.Equal(got, want) {
		t.Errorf("brief goroutine: looks %v, want %v", got, want)
	}
	got = laneLooks(tl, ix, late, 0, 100, 10)
	for i := range want {
		want[i] = lookNone
		if i >= 3 {
			want[i] = lookRunnable
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("late goroutine: looks %v, want %v", got, want)
	}
}

// TestLivingRows checks the lanes found living at a moment against a look
// at every goroutine: short-lived ones, long-lived ones, ones that were
// there from the trace's start or to its end, and lanes a filter hides.
func TestLivingRows(t *testing.T) {
	tl := &tracer.Timeline{Duration: 1000, End: 1000}
	add := func(created, ended tracer.Time, name string) {
		tl.Goroutines = append(tl.Goroutines, &tracer.Goroutine{
			ID: tracer.GID(len(tl.Goroutines) + 1), Name: name, Parent: tracer.NoG, Created: created, Ended: ended,
		})
	}
	for i := range 300 { // short ones, 10 ns each, overlapping
		add(tracer.Time(i*3), tracer.Time(i*3+10), "main.short")
	}
	add(tracer.NoTime, tracer.NoTime, "main.main")
	add(tracer.NoTime, 500, "main.early")
	add(400, tracer.NoTime, "main.late")
	add(100, 900, "main.long")
	add(50, 50, "main.instant")
	tl.Index()
	for _, filter := range []string{"", "short", "l"} {
		ix := newIndex(tl, false)
		ix.setFilter(filter)
		for _, at := range []tracer.Time{0, 1, 9, 10, 50, 100, 499, 500, 899, 900, 906, 999, 1000} {
			var want []int32
			for lane := range ix.rows {
				if ix.lane(lane).Lives(at) {
					want = append(want, int32(lane))
				}
			}
			if got := ix.livingLanes(at); !slices.Equal(got, want) {
				t.Errorf("filter %q, at %d: got %d lanes living, want %d", filter, at, len(got), len(want))
			}
		}
	}
}

// TestGroupToggle groups the lanes under their creators and back to the
// order of creation, keeping the selected lane, the cursor and the filter.
func TestGroupToggle(t *testing.T) {
	g := func(id, parent tracer.GID, created tracer.Time) *tracer.Goroutine {
		return &tracer.Goroutine{ID: id, Name: "main.f", Parent: parent, Created: created, Ended: tracer.NoTime}
	}
	tl := &tracer.Timeline{Duration: 100, End: 100, Goroutines: []*tracer.Goroutine{
		g(1, tracer.NoG, tracer.NoTime), g(5, 1, 10), g(6, 1, 20), g(7, 5, 30), g(8, 99, 40),
	}}
	var steps []tracer.Step
	for _, g := range tl.Goroutines[1:] {
		steps = append(steps, tracer.Step{Time: g.Created, Kind: tracer.StepCreate, G: g.ID, Other: g.Parent,
			Chan: -1, Op: -1, Block: -1, Select: -1, Log: -1})
	}
	tl.Steps = tracer.MakeSteps(steps...)
	tl.Index()
	r := newReplay(tl, Options{Title: "test"})
	ids := func() []tracer.GID {
		var out []tracer.GID
		for lane := range r.ix.rows {
			out = append(out, r.ix.lane(lane).ID)
		}
		return out
	}
	r.cur, r.sel = 2, 3 // g7
	for _, tc := range []struct {
		grouped bool
		want    []tracer.GID
	}{
		{true, []tracer.GID{1, 5, 7, 6, 8}},
		{false, []tracer.GID{1, 5, 6, 7, 8}},
		{true, []tracer.GID{1, 5, 7, 6, 8}},
	} {
		r.setGrouped(tc.grouped)
		if got := ids(); !slices.Equal(got, tc.want) {
			t.Errorf("grouped %v: got lanes %v, want %v", tc.grouped, got, tc.want)
		}
		if (r.ix.depth != nil) != tc.grouped {
			t.Errorf("grouped %v: the index says grouped %v", tc.grouped, r.ix.depth != nil)
		}
		if sel := r.selected(); sel == nil || sel.ID != 7 || r.cur != 2 {
			t.Errorf("grouped %v: got lane %v selected and cursor %d, want g7 and 2", tc.grouped, sel, r.cur)
		}
	}
	r.ix.setFilter("g6")
	r.setGrouped(false)
	if got := ids(); !slices.Equal(got, []tracer.GID{6}) {
		t.Errorf("filtered g6 and ungrouped: got lanes %v, want [6]", got)
	}
}

// TestShownLanes checks which lanes are drawn: a run of them holding the
// selected lane and the current step's, or, when those are too far apart,
// the current one pinned on top of the run that holds the selected one,
// with the creator's lane for a creation.
func TestShownLanes(t *testing.T) {
	// Lane 0 is a long-lived goroutine that creates all the others.
	r := newReplay(shortLived(100, 1), Options{Title: "test"})
	at := func(row int, kind tracer.StepKind) { // puts the cursor on a step of lane row
		t.Helper()
		for r.cur = 0; r.cur < r.ix.steps.Len(); r.cur++ {
			if s := r.step(); r.rowOf(s.G) == row && s.Kind == kind {
				return
			}
		}
		t.Fatalf("no step of lane %d", row)
	}
	lanes := func(first, last int) []int {
		var out []int
		for i := first; i <= last; i++ {
			out = append(out, i)
		}
		return out
	}
	pinned := func(pins []int, first, last int) []int { return append(pins, lanes(first, last)...) }
	for _, tc := range []struct {
		name           string
		sel, cur, rows int
		kind           tracer.StepKind
		want           []int
	}{
		{"both in the first run", 0, 5, 10, tracer.StepEnd, lanes(0, 9)},
		{"both, the current lane at the bottom", 55, 60, 10, tracer.StepEnd, lanes(51, 60)},
		{"both, the current lane above", 60, 51, 10, tracer.StepEnd, lanes(51, 60)},
		{"apart", 0, 60, 10, tracer.StepEnd, pinned([]int{60}, 0, 8)},
		{"apart, the selected lane further down", 70, 3, 10, tracer.StepEnd, pinned([]int{3}, 62, 70)},
		{"apart, the selected lane last", 100, 60, 10, tracer.StepEnd, pinned([]int{60}, 92, 100)},
		{"a creation, its creator in the run", 0, 60, 10, tracer.StepCreate, pinned([]int{60}, 0, 8)},
		{"a creation, its creator apart", 70, 3, 10, tracer.StepCreate, pinned([]int{0, 3}, 63, 70)},
		{"a creation, no room for its creator", 70, 3, 2, tracer.StepCreate, []int{3, 70}},
		{"one row", 0, 60, 1, tracer.StepEnd, []int{0}},
	} {
		r.sel = tc.sel
		at(tc.cur, tc.kind)
		if got := r.shownLanes(tc.rows); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got lanes %v, want %v", tc.name, got, tc.want)
		}
	}
}
