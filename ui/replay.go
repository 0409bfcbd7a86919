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
}

// speeds are the player's delays between steps, slowest first.
var speeds = []time.Duration{
	time.Second, 500 * time.Millisecond, 200 * time.Millisecond,
	100 * time.Millisecond, 50 * time.Millisecond, 20 * time.Millisecond,
}

// replay is the state of a replay: the timeline, its index, the cursor
// and the viewport. It is touched only on tview's event loop.
type replay struct {
	tl    *tracer.Timeline
	ix    *index
	title string
	app   *tview.Application
	root  *rootView
	main  *tview.Flex
	lanes *lanesView
	help  *helpView

	// overlay is drawn over the replay and takes the keys, or is nil.
	overlay tview.Primitive

	cur     int         // the current step: a position in ix.steps
	sel     int         // the selected lane
	zoom    int         // 0 fits the program's steps; each level halves the span
	pan     tracer.Time // how far the viewport is moved off the cursor
	noColor bool

	speed int           // index into speeds
	stop  chan struct{} // closed to stop the player; nil when not playing
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
	return r.app.Run()
}

// newReplay builds the application and its screen for tl, not yet run.
func newReplay(tl *tracer.Timeline, o Options) *replay {
	r := &replay{
		tl: tl, ix: newIndex(tl, false), title: o.Title,
		speed: 2, noColor: os.Getenv("NO_COLOR") != "",
	}
	r.app = tview.NewApplication()
	if o.Screen != nil {
		r.app.SetScreen(o.Screen)
	}
	if o.AfterDraw != nil {
		r.app.SetAfterDrawFunc(o.AfterDraw)
	}
	r.help = r.newHelpView()
	r.root = &rootView{Box: tview.NewBox(), main: r.layout(), r: r}
	r.app.SetRoot(r.root, true).SetInputCapture(r.key)
	return r
}

// layout builds the screen: a header, the lanes over the channels and
// steps, and the status line.
func (r *replay) layout() tview.Primitive {
	lanes := &lanesView{Box: r.newBox(" goroutines "), r: r}
	chans := r.newTextView(" channels ", r.channelLines)
	steps := r.newTextView(" steps ", r.stepLines)
	header := r.newTextView("", r.headerLines)
	status := r.newTextView("", r.statusLines)
	bottom := tview.NewFlex().
		AddItem(steps, 0, 3, false).
		AddItem(chans, 0, 2, false)
	r.main = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(header, 1, 0, false).
		AddItem(lanes, 0, 3, false).
		AddItem(bottom, 0, 2, false).
		AddItem(status, 1, 0, false)
	r.lanes = lanes
	r.sizeLanes()
	return r.main
}

// sizeLanes gives the lanes pane the rows it needs when they are few, and
// three fifths of the screen otherwise.
func (r *replay) sizeLanes() {
	if need := len(r.ix.rows) + 4; need <= 16 {
		r.main.ResizeItem(r.lanes, need, 0)
	} else {
		r.main.ResizeItem(r.lanes, 0, 3)
	}
}

// step returns the current step, or a zero step when there is none.
func (r *replay) step() tracer.Step {
	if len(r.ix.steps) == 0 {
		return tracer.Step{G: tracer.NoG, Other: tracer.NoG}
	}
	return r.tl.Steps[r.ix.steps[r.cur]]
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

// firstRow returns the first lane to draw when rows fit on the screen:
// enough to keep the selected lane and the current step's lane in view.
func (r *replay) firstRow(rows int) int {
	want := r.rowOf(r.step().G)
	if want < 0 {
		want = r.sel
	}
	if want < rows {
		return 0
	}
	return want - rows + 1
}

// rowOf returns the lane of goroutine id, or -1.
func (r *replay) rowOf(id tracer.GID) int {
	if i, ok := r.ix.row[id]; ok {
		return i
	}
	return -1
}

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

// newBox returns a box with the title, bordered when it has one. It has the
// terminal's own background, and with colour off a border and title in the
// terminal's own colour.
func (r *replay) newBox(title string) *tview.Box {
	b := tview.NewBox().SetBackgroundColor(tcell.ColorDefault)
	if title != "" {
		b.SetBorder(true).SetTitle(title)
	}
	if r.noColor {
		b.SetBorderColor(tcell.ColorDefault).SetTitleColor(tcell.ColorDefault)
	}
	return b
}

// move moves the cursor by n shown steps and reports whether it moved.
func (r *replay) move(n int) bool {
	to := min(max(r.cur+n, 0), max(len(r.ix.steps)-1, 0))
	moved := to != r.cur
	r.cur = to
	return moved
}

// setSystem shows or hides the runtime's goroutines, keeping the cursor
// at the same moment.
func (r *replay) setSystem(show bool) {
	at := int32(0)
	if len(r.ix.steps) > 0 {
		at = r.ix.steps[r.cur]
	}
	r.ix = newIndex(r.tl, show)
	r.cur = r.ix.stepAt(at)
	r.sel = min(r.sel, max(len(r.ix.rows)-1, 0))
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
