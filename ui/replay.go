package ui

import (
	"fmt"
	"os"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gocspviz/gocspviz/tracer"
)

// MinWidth and MinHeight are the smallest terminal the replay draws in.
const MinWidth, MinHeight = 80, 24

// Options adjust a replay.
type Options struct {
	Title string // shown in the header: the scenario or file

	// Screen, if not nil, is drawn on instead of the terminal: a
	// tcell.SimulationScreen in tests.
	Screen tcell.Screen
	// AfterDraw, if not nil, is called after every frame, on the event
	// loop: tests wait on it before they read the screen.
	AfterDraw func(tcell.Screen)

	// Source, if not nil, returns the text of a source file named as a
	// stack frame names it, for the source pane; ok is false when it has
	// none. It is called on the event loop, once for each file.
	Source func(path string) (text []byte, ok bool)
}

// speeds are the player's delays between steps, slowest first.
var speeds = []time.Duration{
	time.Second, 500 * time.Millisecond, 200 * time.Millisecond,
	100 * time.Millisecond, 50 * time.Millisecond, 20 * time.Millisecond,
}

// The panes that Tab moves between, in its order.
const (
	paneLanes = iota
	paneSteps
	paneChannels
	paneDetails
	paneSource
	panes
)

// replay is the state of a replay: the timeline, its index, the cursor
// and the viewport. It is touched only on tview's event loop.
type replay struct {
	tl      *tracer.Timeline
	ix      *index
	title   string
	sources *sources
	app     *tview.Application
	root    *rootView
	main    *tview.Flex
	lanes   *lanesView
	help    *helpView
	finds   *findingsView
	texts   [panes]*textView // the panes drawn as text, by pane

	// overlay is drawn over the replay and takes the keys, or is nil.
	overlay tview.Primitive

	cur     int         // the current step: a position in ix.steps
	sel     int         // the selected lane
	zoom    int         // 0 fits the program's steps; each level halves the span
	pan     tracer.Time // how far the viewport is moved off the cursor
	noColor bool

	// loading, while the rest of a partly read trace loads, has the
	// loading's figures; nil once the timeline is whole.
	loading *loadingView

	focus     int   // the pane the arrow keys act on
	mark      int32 // the step m marked, an index into tl.Steps, or -1
	filtering bool  // keys go to the lane filter, ix.filter
	prompting bool  // keys go to the : prompt, prompt
	prompt    string
	message   string
	found     int // the finding selected in the findings overlay

	speed   int           // index into speeds
	stop    chan struct{} // closed to stop the player; nil when not playing
	playing chan struct{} // closed by the player when it has ended
}

// Replay shows the timeline in the terminal until the user quits. It
// restores the terminal before it returns, also after a panic, which it
// returns as an error.
func Replay(tl *tracer.Timeline, o Options) (err error) {
	r := newReplay(tl, o)
	defer func() {
		r.pause()
		if p := recover(); p != nil {
			err = fmt.Errorf("ui: internal error: %v", p)
		}
	}()
	return run(r.app, o)
}

// newReplay builds the application and its screen for tl, not yet run.
func newReplay(tl *tracer.Timeline, o Options) *replay {
	r := newReplayIn(newApp(o), tl, newIndex(tl, false), o)
	r.app.SetInputCapture(r.key)
	return r
}

// newApp makes the application the options ask for, without its screen:
// run gives it one.
func newApp(o Options) *tview.Application {
	app := tview.NewApplication().EnableMouse(true)
	if o.AfterDraw != nil {
		app.SetAfterDrawFunc(o.AfterDraw)
	}
	return app
}

// run initialises the screen the options ask for, the terminal unless they
// give one, and runs app on it until it stops. tview draws on the screen
// through a deltaScreen.
func run(app *tview.Application, o Options) error {
	s := o.Screen
	if s == nil {
		var err error
		if s, err = tcell.NewScreen(); err != nil {
			return err
		}
	}
	d := newDeltaScreen(s)
	if app.SetScreen(d); d.err != nil {
		return d.err
	}
	return app.Run()
}

// newReplayIn builds the replay of tl, with its index ix of the program's
// goroutines, in app, as its root. The caller gives r.key the keys.
func newReplayIn(app *tview.Application, tl *tracer.Timeline, ix *index, o Options) *replay {
	r := &replay{
		tl: tl, ix: ix, title: o.Title, mark: -1,
		speed: 2, noColor: os.Getenv("NO_COLOR") != "", app: app,
		sources: newSources(o.Source),
	}
	r.help = r.newHelpView()
	r.finds = r.newFindingsView()
	r.root = &rootView{Box: tview.NewBox(), main: r.layout(), r: r}
	r.app.SetRoot(r.root, true).SetMouseCapture(r.mouse)
	return r
}

// layout builds the screen: a header, the lanes over the steps, the
// channels and the details of the current step, and the status line.
func (r *replay) layout() tview.Primitive {
	r.lanes = &lanesView{Box: r.newBox(" goroutines "), r: r}
	r.texts[paneSteps] = r.newTextView(" steps ", paneSteps, r.stepLines)
	r.texts[paneChannels] = r.newTextView(" channels ", paneChannels, r.channelLines)
	r.texts[paneDetails] = r.newTextView(" details ", paneDetails, r.detailLines)
	r.texts[paneSource] = r.newTextView(" source ", paneSource, r.sourceLines)
	header := r.newTextView("", -1, r.headerLines)
	status := r.newTextView("", -1, r.statusLines)
	right := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(r.texts[paneChannels], 0, 1, false).
		AddItem(r.texts[paneDetails], 0, 1, false)
	left := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(r.texts[paneSteps], 0, 3, false).
		AddItem(r.texts[paneSource], 0, 2, false)
	bottom := tview.NewFlex().
		AddItem(left, 0, 3, false).
		AddItem(right, 0, 2, false)
	r.main = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(header, 1, 0, false).
		AddItem(r.lanes, 0, 3, false).
		AddItem(bottom, 0, 2, false).
		AddItem(status, 1, 0, false)
	r.sizeLanes()
	return r.main
}

// sizeLanes gives the lanes pane the rows it needs when they are few, and
// three fifths of the screen otherwise.
func (r *replay) sizeLanes() {
	if need := len(r.ix.rows) + 4; need <= 16 {
		r.main.ResizeItem(r.lanes, max(need, 5), 0)
	} else {
		r.main.ResizeItem(r.lanes, 0, 3)
	}
}

// step returns the current step, or a zero step when there is none.
func (r *replay) step() tracer.Step {
	if r.ix.steps.Len() == 0 {
		return tracer.Step{G: tracer.NoG, Other: tracer.NoG}
	}
	return r.tl.Steps.At(int(r.ix.steps.At(r.cur)))
}

// viewport returns the span of time the lanes show: the program's steps
// when fitted, else a window around the cursor, moved by the pan.
func (r *replay) viewport() (tracer.Time, tracer.Time) {
	from, to := r.ix.window()
	if r.zoom == 0 && r.pan == 0 {
		return from, to
	}
	span := max((to-from)>>r.zoom, 64)
	mid := r.step().Time + r.pan
	lo := mid - span/2
	return lo, lo + span
}

// shownLanes returns the lanes to draw on rows rows, top to bottom:
// enough to keep the selected lane in view, and the current step's lane
// too. When the two lie too far apart for one run of lanes, as they mostly
// do among the thousands of goroutines of a server's trace, the current
// step's lane is pinned on the first row above the run that keeps the
// selected lane in view, and with it, for a wake-up or a creation, the
// lane of the goroutine that woke or made it: the step being replayed is
// always in sight, its arrow too, and the lanes still scroll with the
// selection.
func (r *replay) shownLanes(rows int) []int {
	// run returns pins, then the k lanes from first on.
	run := func(first, k int, pins ...int) []int {
		for i := first; i < first+k && i < len(r.ix.rows); i++ {
			pins = append(pins, i)
		}
		return pins
	}
	// below returns the run of k lanes that ends at the selected one, or
	// starts at the top.
	below := func(k int, pins ...int) []int { return run(max(r.sel-k+1, 0), k, pins...) }

	first := max(r.sel-rows+1, 0)
	step := r.step()
	cur := r.rowOf(step.G)
	switch {
	case cur < 0 || cur >= first && cur < first+rows || rows < 2:
		return below(rows)
	case cur > r.sel && cur-rows+1 <= r.sel:
		return run(cur-rows+1, rows) // both, the current lane at the bottom
	}
	other := -1
	if step.Kind == tracer.StepWake || step.Kind == tracer.StepCreate {
		other = r.rowOf(step.Other)
	}
	lo := max(r.sel-rows+2, 0) // below(rows-1) is lo to lo+rows-2
	if other >= 0 && other != cur && rows > 2 && (other < lo || other >= lo+rows-1) {
		return below(rows-2, min(cur, other), max(cur, other))
	}
	return below(rows-1, cur)
}

// rowOf returns the lane of goroutine id, or -1.
func (r *replay) rowOf(id tracer.GID) int { return r.ix.rowOf(id) }

// colorStyle returns the style for a colour, or the default style when
// colour is off (NO_COLOR).
func (r *replay) colorStyle(c tcell.Color) tcell.Style {
	return r.paint(tcell.StyleDefault.Foreground(c))
}

// paint returns the style to draw for st: st itself, or with colour off
// (NO_COLOR) its attributes alone, so that bold, underline and reverse
// still mark what colour would.
func (r *replay) paint(st tcell.Style) tcell.Style {
	if r.noColor {
		return st.Foreground(tcell.ColorDefault).Background(tcell.ColorDefault)
	}
	return st
}

// newBox returns a box with the title, bordered when it has one. The box
// holds the pane's place and title; drawBorder draws it.
func (r *replay) newBox(title string) *tview.Box {
	b := tview.NewBox()
	if title != "" {
		b.SetBorder(true).SetTitle(title)
	}
	return b
}

// move moves the cursor by n shown steps and reports whether it moved.
func (r *replay) move(n int) bool {
	return r.moveTo(r.cur + n)
}

// moveTo moves the cursor to position pos in ix.steps, kept in range, and
// reports whether it moved.
func (r *replay) moveTo(pos int) bool {
	to := min(max(pos, 0), max(r.ix.steps.Len()-1, 0))
	moved := to != r.cur
	r.cur = to
	return moved
}

// jump moves the cursor to pos as a navigation key found it, or says why
// there is nowhere to go. It selects the lane of the step's goroutine, so
// that stepping within it with . and , goes on from there.
func (r *replay) jump(pos int, why string) {
	if pos < 0 {
		r.message = why
		return
	}
	r.moveTo(pos)
	if row := r.rowOf(r.step().G); row >= 0 {
		r.sel = row
	}
}

// selected returns the goroutine of the selected lane, or nil.
func (r *replay) selected() *tracer.Goroutine {
	if r.sel < 0 || r.sel >= len(r.ix.rows) {
		return nil
	}
	return r.ix.lane(r.sel)
}

// selectRow moves the lane selection to row i, kept in range.
func (r *replay) selectRow(i int) {
	r.sel = min(max(i, 0), max(len(r.ix.rows)-1, 0))
}

// setSystem shows or hides the runtime's goroutines, keeping the cursor
// at the same moment, the mark, the filter and the selected goroutine.
func (r *replay) setSystem(show bool) {
	at := int32(0)
	if r.ix.steps.Len() > 0 {
		at = r.ix.steps.At(r.cur)
	}
	g := r.selected()
	r.ix = r.withLanes(newIndex(r.tl, show), r.ix.depth != nil)
	r.cur = r.ix.stepAt(at)
	r.reselect(g)
}

// withLanes returns ix, a new index, with the lane filter of the current
// one, and its lanes grouped under their parents when grouped.
func (r *replay) withLanes(ix *index, grouped bool) *index {
	ix.setFilter(r.ix.filter)
	if grouped {
		ix.groupByParent()
	}
	return ix
}

// setGrouped groups the lanes under their parents, or orders them by
// creation again, keeping the cursor and the selected lane.
func (r *replay) setGrouped(grouped bool) {
	// Only the order of the lanes changes, not the steps shown: the index
	// stays, which takes a tenth of a second to build for a trace of
	// millions of steps.
	g := r.selected()
	if grouped {
		r.ix.groupByParent()
	} else {
		r.ix.byCreation()
	}
	r.reselect(g)
}

// setTimeline replays tl, a longer read of the trace replayed so far,
// with ix its index of the program's goroutines or nil. The cursor stays
// at the same step, the mark too, and the lanes keep their filter,
// grouping and selection.
func (r *replay) setTimeline(tl *tracer.Timeline, ix *index) {
	at, mark := r.step(), tracer.Step{Time: tracer.NoTime}
	if r.mark >= 0 {
		mark = r.tl.Steps.At(int(r.mark))
	}
	g := r.selected()
	if ix == nil || ix.showSystem != r.ix.showSystem {
		ix = newIndex(tl, r.ix.showSystem)
	}
	r.tl, r.ix = tl, r.withLanes(ix, r.ix.depth != nil)
	// The lanes' cache would hold the old index until the next frame;
	// the loader waits for it to go (see Load).
	r.lanes.cache = laneCache{}
	if r.ix.steps.Len() > 0 {
		r.cur = r.ix.stepAt(findStep(tl, at))
	}
	if r.mark >= 0 {
		r.mark = findStep(tl, mark)
	}
	r.reselect(g)
}

// findStep returns the index in tl.Steps of the step s of another read of
// the same trace, or of the first step after its time when tl lacks it,
// or -1 when there is none.
func findStep(tl *tracer.Timeline, s tracer.Step) int32 {
	i := tl.Steps.Search(s.Time)
	for k := i; k < tl.Steps.Len() && tl.Steps.Time(k) == s.Time; k++ {
		if x := tl.Steps.At(k); x.G == s.G && x.Kind == s.Kind {
			return int32(k)
		}
	}
	if i == tl.Steps.Len() {
		return int32(i) - 1
	}
	return int32(i)
}

// setFilter shows only the lanes matching filter, keeping the selected
// goroutine selected if it still has a lane.
func (r *replay) setFilter(filter string) {
	g := r.selected()
	r.ix.setFilter(filter)
	r.reselect(g)
}

// reselect selects the lane of g after the lanes changed, or the nearest
// lane to the one selected before.
func (r *replay) reselect(g *tracer.Goroutine) {
	if g != nil {
		if row := r.rowOf(g.ID); row >= 0 {
			r.sel = row
		}
	}
	r.selectRow(r.sel)
	r.sizeLanes()
}

// rootView is the whole screen: the replay and any overlay over it, or,
// when the screen is too small, a message saying so. Unlike tview.Pages it
// does not clear the screen itself, cell by cell: the application has
// cleared it.
type rootView struct {
	*tview.Box
	main tview.Primitive
	r    *replay
}

func (v *rootView) Draw(screen tcell.Screen) {
	w, h := screen.Size()
	if w < MinWidth || h < MinHeight {
		msg := fmt.Sprintf("terminal too small: %dx%d, need %dx%d", w, h, MinWidth, MinHeight)
		putString(screen, 0, 0, fit(msg, w), v.r.paint(styleText))
		if h > 1 {
			putString(screen, 0, 1, fit("enlarge it, or press q to quit", w), v.r.paint(styleDim))
		}
		return
	}
	x, y, iw, ih := v.GetRect()
	v.main.SetRect(x, y, iw, ih)
	v.main.Draw(screen)
	if v.r.overlay != nil {
		v.r.overlay.SetRect(x, y, iw, ih)
		v.r.overlay.Draw(screen)
	}
}
