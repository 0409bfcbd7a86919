package ui

import (
	"runtime"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gocspviz/gocspviz/tracer"
)

// labelWidth is the width of the lane names.
const labelWidth = 20

var (
	styleText     = tcell.StyleDefault
	styleDim      = tcell.StyleDefault.Foreground(tcell.ColorGray)
	styleCurrent  = tcell.StyleDefault.Reverse(true)
	styleSelected = tcell.StyleDefault.Bold(true).Underline(true)
	styleCursor   = tcell.StyleDefault.Foreground(tcell.ColorYellow).Bold(true)
)

// lanesView draws a lane per goroutine over the viewport's time.
type lanesView struct {
	*tview.Box
	r     *replay
	cache laneCache
}

func (v *lanesView) Draw(screen tcell.Screen) {
	r := v.r
	r.drawBorder(screen, v.Box, r.focus == paneLanes)
	x, y, w, h := v.GetInnerRect()
	if w <= labelWidth+2 || h < 3 {
		return
	}
	from, to := r.viewport()
	cols := w - labelWidth - 1
	step := r.step()

	// The axis, then a row per visible lane, then the legend.
	putString(screen, x+labelWidth+1, y, axisLabels(from, to, cols), r.paint(styleDim))
	shown := r.shownLanes(h - 2)
	curCol := timeCol(step.Time, from, to, cols)
	lanes := make([]*tracer.Goroutine, len(shown))
	for k, i := range shown {
		lanes[k] = r.ix.lane(i)
	}
	v.prepare(lanes, from, to, cols)
	var drawn uint16 // the looks drawn, for the legend
	for k, i := range shown {
		drawn |= v.drawLane(screen, x, y+1+k, cols, i, from, to, curCol)
	}
	if len(r.ix.rows) == 0 {
		putString(screen, x, y+1, fit("no lane matches "+quote(r.ix.filter), w), r.paint(styleDim))
	}
	if curCol >= 0 {
		v.drawWake(screen, x+labelWidth+1+curCol, y+1, shown, step)
	}
	v.drawLegend(screen, x, y+h-1, w, drawn)
}

// rowAt returns the lane drawn at screen row y, or -1.
func (v *lanesView) rowAt(y int) int {
	_, top, _, h := v.GetInnerRect()
	rows := h - 2
	if y <= top || y > top+rows {
		return -1
	}
	if shown := v.r.shownLanes(rows); y-top-1 < len(shown) {
		return shown[y-top-1]
	}
	return -1
}

// timeAt returns the time under column x of the lanes, or false when x is
// not over them.
func (v *lanesView) timeAt(x int) (tracer.Time, bool) {
	left, _, w, _ := v.GetInnerRect()
	cols := w - labelWidth - 1
	col := x - left - labelWidth - 1
	if cols <= 0 || col < 0 || col >= cols {
		return 0, false
	}
	from, to := v.r.viewport()
	return from + tracer.Time(float64(to-from)*(float64(col)+0.5)/float64(cols)), true
}

// drawLane draws lane i on screen row y: its label and a cell per column,
// each in its look (see laneLooks). It returns the set of the looks it
// drew.
func (v *lanesView) drawLane(screen tcell.Screen, x, y, cols, i int, from, to tracer.Time, curCol int) uint16 {
	r := v.r
	g := r.ix.lane(i)
	style := styleText
	if g.ID == r.step().G {
		style = styleCurrent
	} else if i == r.sel {
		style = styleSelected
	}
	putString(screen, x, y, r.ix.label(g, labelWidth), r.paint(style))
	var drawn uint16
	for col, lk := range v.looks(g, from, to, cols) {
		st := r.colorStyle(lk.color)
		if col == curCol {
			st = st.Reverse(true)
			if lk.glyph == " " {
				lk.glyph, st = "│", r.paint(styleCursor)
			}
		}
		screen.Put(x+labelWidth+1+col, y, lk.glyph, st)
		drawn |= lk.bit
	}
	return drawn
}

// laneCache holds the looks of the lanes drawn last, for a frame of the
// same index and viewport to draw again: stepping through a fitted view
// moves only the cursor, and finding the span under each cell of a lane
// of a million spans costs a decoding or two a cell.
type laneCache struct {
	ix       *index
	from, to tracer.Time
	cols     int
	looks    map[tracer.GID][]look
}

// maxCachedLanes bounds the lanes kept: more than a screen has.
const maxCachedLanes = 256

// looks returns the look of each of cols columns of goroutine g's lane
// from time from to time to.
func (v *lanesView) looks(g *tracer.Goroutine, from, to tracer.Time, cols int) []look {
	c := v.cacheFor(from, to, cols)
	if lks, ok := c.looks[g.ID]; ok {
		return lks
	}
	lks := laneLooks(v.r.tl, v.r.ix, g, from, to, cols)
	c.looks[g.ID] = lks
	return lks
}

// cacheFor returns the cache, emptied unless it holds the looks of lanes
// drawn with the same index and viewport.
func (v *lanesView) cacheFor(from, to tracer.Time, cols int) *laneCache {
	c := &v.cache
	if c.ix != v.r.ix || c.from != from || c.to != to || c.cols != cols || len(c.looks) > maxCachedLanes {
		*c = laneCache{ix: v.r.ix, from: from, to: to, cols: cols, looks: map[tracer.GID][]look{}}
	}
	return c
}

// prepare finds the looks of the lanes about to be drawn that the cache
// lacks, on as many goroutines as there are cores, and caches them: a
// cold frame of a timeline of millions of spans spent most of its time
// decoding them. The goroutines read only the timeline and the index,
// which nothing changes while the frame is drawn, and have ended when
// prepare returns.
func (v *lanesView) prepare(lanes []*tracer.Goroutine, from, to tracer.Time, cols int) {
	c := v.cacheFor(from, to, cols)
	var todo []*tracer.Goroutine
	for _, g := range lanes {
		if _, ok := c.looks[g.ID]; !ok {
			todo = append(todo, g)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo)/minLanesEach)
	if workers < 2 {
		return // looks finds them as they are drawn
	}
	found := make([][]look, len(todo))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(todo); i += workers {
				found[i] = laneLooks(v.r.tl, v.r.ix, todo[i], from, to, cols)
			}
		})
	}
	wg.Wait()
	for i, g := range todo {
		c.looks[g.ID] = found[i]
	}
}

// minLanesEach is the fewest lanes worth a goroutine of their own.
const minLanesEach = 8

// laneLooks returns the look of each of cols columns of goroutine g's lane
// from time from to time to: its state at the column's middle, or the
// mark of an operation it completed within the column. A goroutine that
// began after the middle shows its first state in the column, and one
// that ended before it its last: one that lived a hundredth of a column
// is still seen.
func laneLooks(tl *tracer.Timeline, ix *index, g *tracer.Goroutine, from, to tracer.Time, cols int) []look {
	lks := make([]look, cols)
	width := float64(to-from) / float64(cols)
	marks, m := ix.marks(g.ID), 0
	spans := g.Spans.Cursor() // the columns go forward in time
	for col := range lks {
		lo := from + tracer.Time(float64(col)*width)
		hi := from + tracer.Time(float64(col+1)*width)
		lk, mid := lookNone, lo+(hi-lo)/2
		// At the middle, or else the first span after it (which At finds
		// too), or the last one before it, when g ended in between.
		if sp, ok := spans.At(mid); ok || sp.End > mid && sp.Start < hi {
			lk = spanLook(tl, g, sp)
		} else if g.Ended != tracer.NoTime && g.Ended > lo && g.Ended <= mid && g.Spans.Len() > 0 {
			lk = spanLook(tl, g, g.Spans.At(g.Spans.Len()-1))
		}
		if m = nextMark(&tl.Steps, marks, m, lo); m < len(marks) {
			if t, kind := ix.mark(marks[m]); t < max(hi, lo+1) {
				lk = markLooks[kind]
			}
		}
		lks[col] = lk
	}
	return lks
}

// drawWake draws the current wake-up edge: a line in the cursor's column
// from the waker's lane to the woken one's, with an arrow at the end, when
// both are among the lanes shown.
func (v *lanesView) drawWake(screen tcell.Screen, col, top int, shown []int, s tracer.Step) {
	if s.Kind != tracer.StepWake && s.Kind != tracer.StepCreate || s.Other == tracer.NoG {
		return
	}
	from := slices.Index(shown, v.r.rowOf(s.Other))
	to := slices.Index(shown, v.r.rowOf(s.G))
	if from < 0 || to < 0 || from == to {
		return
	}
	dir, arrow := 1, "↓"
	if to < from {
		dir, arrow = -1, "↑"
	}
	for row := from + dir; row != to; row += dir {
		screen.Put(col, top+row, "┃", v.r.paint(styleCursor))
	}
	screen.Put(col, top+to, arrow, v.r.paint(styleCursor))
}

// drawLegend draws on one line the key to the looks drawn, those of the
// states first.
func (v *lanesView) drawLegend(screen tcell.Screen, x, y, w int, drawn uint16) {
	col := x
	for _, lk := range legend {
		if drawn&lk.bit == 0 {
			continue
		}
		if col+len(lk.name)+3 > x+w {
			break
		}
		screen.Put(col, y, lk.glyph, v.r.colorStyle(lk.color))
		col += 2
		col += putString(screen, col, y, lk.name, v.r.paint(styleDim)) + 2
	}
}

// timeCol returns the column of time t on an axis of cols columns covering
// [from, to), or -1 when t is outside it.
func timeCol(t, from, to tracer.Time, cols int) int {
	if t < from || t >= to {
		return -1
	}
	return int(float64(t-from) / float64(to-from) * float64(cols))
}

// The lines of a border, plain and focused: horizontal, vertical, and the
// corners clockwise from the top left.
var borders = [2][6]string{
	{"─", "│", "┌", "┐", "┘", "└"},
	{"═", "║", "╔", "╗", "╝", "╚"},
}

// drawBorder draws the border and title of b if it has a title, double
// when focused. It is used instead of tview's Box.DrawForSubclass, which
// also fills the box with a new string per cell: the frame benchmark
// showed that half of a frame's time went there.
func (r *replay) drawBorder(screen tcell.Screen, b *tview.Box, focused bool) {
	title := b.GetTitle()
	x, y, w, h := b.GetRect()
	if title == "" || w < 2 || h < 2 {
		return
	}
	lines, st := borders[0], r.paint(styleText)
	if focused {
		lines = borders[1]
	}
	for col := x + 1; col < x+w-1; col++ {
		screen.Put(col, y, lines[0], st)
		screen.Put(col, y+h-1, lines[0], st)
	}
	for row := y + 1; row < y+h-1; row++ {
		screen.Put(x, row, lines[1], st)
		screen.Put(x+w-1, row, lines[1], st)
	}
	screen.Put(x, y, lines[2], st)
	screen.Put(x+w-1, y, lines[3], st)
	screen.Put(x+w-1, y+h-1, lines[4], st)
	screen.Put(x, y+h-1, lines[5], st)

	// The title, centred on the top line.
	if n := utf8.RuneCountInString(title); n > w-2 {
		title = fit(title, w-2)
	}
	n := utf8.RuneCountInString(title)
	if focused {
		st = st.Bold(true)
	}
	putString(screen, x+1+(w-2-n)/2, y, title, st)
}

// clearRect blanks a rectangle of the screen, for what is drawn over other
// views.
func clearRect(screen tcell.Screen, x, y, w, h int) {
	for row := y; row < y+h; row++ {
		for col := x; col < x+w; col++ {
			screen.Put(col, row, " ", tcell.StyleDefault)
		}
	}
}

// putString draws s from (x, y), a rune a cell, and returns the number of
// cells used. It hands the screen slices of s, not new strings, so that
// drawing allocates nothing.
func putString(screen tcell.Screen, x, y int, s string, style tcell.Style) int {
	n := 0
	for len(s) > 0 {
		_, size := utf8.DecodeRuneInString(s)
		screen.Put(x+n, y, s[:size], style)
		s = s[size:]
		n++
	}
	return n
}

// textView is a panel whose lines are computed at each draw by a pure
// function of the replay's state. A pane's text scrolls by a number of
// lines when it is longer than the pane.
type textView struct {
	*tview.Box
	lines  func(width, height int) []line
	r      *replay
	pane   int // which pane it is, for the focus, or -1
	scroll int // lines scrolled off the top
	shown  int // lines the last draw had, to keep scroll within them
}

// line is one line of a text panel with its style.
type line struct {
	text  string
	style tcell.Style
}

func (r *replay) newTextView(title string, pane int, lines func(width, height int) []line) *textView {
	return &textView{Box: r.newBox(title), lines: lines, r: r, pane: pane}
}

func (v *textView) Draw(screen tcell.Screen) {
	v.r.drawBorder(screen, v.Box, v.pane >= 0 && v.r.focus == v.pane)
	x, y, w, h := v.GetInnerRect()
	lines := v.lines(w, h+v.scroll)
	v.shown = len(lines) - h
	first := min(v.scroll, max(len(lines)-h, 0))
	for i := 0; i < h && first+i < len(lines); i++ {
		l := lines[first+i]
		putString(screen, x, y+i, fit(l.text, w), v.r.paint(l.style))
	}
}

// scrollBy scrolls the text by d lines, no further than its end.
func (v *textView) scrollBy(d int) {
	v.scroll = min(max(v.scroll+d, 0), max(v.shown, 0))
}
