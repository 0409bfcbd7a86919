package ui

import (
	"fmt"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// keyHelp is the key map, shown by ? and kept in README.md.
var keyHelp = [][2]string{
	{"→ ←, l h", "next / previous step"},
	{"Home End, g G", "first / last step"},
	{". ,", "next / previous step of the lane"},
	{"] [", "follow a wake-up forward / back"},
	{"Space", "play / pause"},
	{"< >", "slower / faster"},
	{"↓ ↑, j k", "select a lane; move in a pane"},
	{"Tab, Shift-Tab", "next / previous pane"},
	{"w s", "zoom in / out at the cursor"},
	{"a d", "pan left / right"},
	{"0", "fit the program's steps"},
	{"/", "filter the lanes by name"},
	{"n N", "next / previous filtered step"},
	{"m '", "mark this step / go to the mark"},
	{":", "go to a time (:12ms) or :g 17"},
	{"f", "findings: leaks and deadlocks"},
	{"S, p", "runtime lanes; lanes under parents"},
	{"click, wheel", "go to a lane or step; zoom"},
	{"?", "this help; Esc closes it"},
	{"q, Ctrl-C", "quit"},
}

// key handles every key press; it runs on the event loop. A message in
// the status line lasts until the next key.
func (r *replay) key(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyCtrlC {
		r.quit() // from any overlay or mode
		return nil
	}
	r.message = ""
	switch {
	case r.overlay == r.help:
		if ev.Key() == tcell.KeyEscape || ev.Rune() == '?' || ev.Rune() == 'q' {
			r.overlay = nil
		}
	case r.overlay == r.finds:
		r.findingsKey(ev)
	case r.filtering:
		r.filterKey(ev)
	case r.prompting:
		r.promptKey(ev)
	default:
		r.replayKey(ev)
	}
	return nil
}

// replayKey handles a key on the replay itself.
func (r *replay) replayKey(ev *tcell.EventKey) {
	switch ev.Key() {
	case tcell.KeyRight:
		r.move(1)
	case tcell.KeyLeft:
		r.move(-1)
	case tcell.KeyHome:
		r.moveTo(0)
	case tcell.KeyEnd:
		r.moveTo(r.ix.steps.Len())
	case tcell.KeyDown:
		r.arrow(1)
	case tcell.KeyUp:
		r.arrow(-1)
	case tcell.KeyTab:
		r.focus = (r.focus + 1) % panes
	case tcell.KeyBacktab:
		r.focus = (r.focus + panes - 1) % panes
	case tcell.KeyRune:
		r.runeKey(ev.Rune())
	}
}

func (r *replay) runeKey(c rune) {
	switch c {
	case 'l':
		r.move(1)
	case 'h':
		r.move(-1)
	case 'g':
		r.moveTo(0)
	case 'G':
		r.moveTo(r.ix.steps.Len())
	case 'j':
		r.arrow(1)
	case 'k':
		r.arrow(-1)
	case '.', ',':
		r.stepLane(c)
	case ']', '[':
		r.followWake(c)
	case ' ':
		if r.stop != nil {
			r.pause()
		} else {
			r.play()
		}
	case '<':
		r.speed = max(r.speed-1, 0)
	case '>':
		r.speed = min(r.speed+1, len(speeds)-1)
	case 'w':
		r.zoom = min(r.zoom+1, 40)
	case 's':
		r.zoom = max(r.zoom-1, 0)
	case 'a', 'd':
		from, to := r.viewport()
		shift := (to - from) / 4
		if c == 'a' {
			shift = -shift
		}
		r.pan += shift
	case '0':
		r.zoom, r.pan = 0, 0
	case '/':
		r.filtering = true
	case ':':
		r.prompting, r.prompt = true, ""
	case 'p':
		r.setGrouped(r.ix.depth == nil)
	case 'n', 'N':
		r.nextMatch(c)
	case 'm', '\'':
		r.markKey(c)
	case 'f':
		r.overlay = r.finds
	case 'S':
		r.setSystem(!r.ix.showSystem)
	case '?':
		r.overlay = r.help
	case 'q':
		r.quit()
	}
}

// arrow moves within the focused pane: the lane selection, the cursor, or
// the text of the channels or details.
func (r *replay) arrow(d int) {
	switch r.focus {
	case paneLanes:
		r.selectRow(r.sel + d)
	case paneSteps:
		r.move(d)
	default:
		r.texts[r.focus].scrollBy(d)
	}
}

// stepLane moves to the next (.) or previous (,) step of the selected
// lane's goroutine.
func (r *replay) stepLane(c rune) {
	g := r.selected()
	if g == nil || r.ix.steps.Len() == 0 {
		r.message = "no lane selected"
		return
	}
	dir := 1
	if c == ',' {
		dir = -1
	}
	pos, why := r.ix.nextOf(g.ID, r.cur, dir)
	if pos >= 0 {
		r.moveTo(pos)
	} else {
		r.message = why
	}
}

// followWake follows a wake-up edge forward (]) or back ([).
func (r *replay) followWake(c rune) {
	if r.ix.steps.Len() == 0 {
		return
	}
	if c == ']' {
		r.jump(r.ix.wakeForward(r.cur))
	} else {
		r.jump(r.ix.wakeBack(r.cur))
	}
}

// nextMatch moves to the next (n) or previous (N) step of a goroutine
// whose lane the filter shows.
func (r *replay) nextMatch(c rune) {
	if r.ix.filter == "" {
		r.message = "no lane filter: / sets one"
		return
	}
	dir := 1
	if c == 'N' {
		dir = -1
	}
	r.jump(r.ix.matching(r.cur, dir))
}

// markKey sets the mark (m), or goes to it (') and leaves the mark where
// the cursor was, so that ' again comes back.
func (r *replay) markKey(c rune) {
	if r.ix.steps.Len() == 0 {
		return
	}
	here := r.ix.steps.At(r.cur)
	if c == 'm' {
		r.mark = here
		r.message = fmt.Sprintf("marked step %d; ' comes back to it", r.cur+1)
		return
	}
	if r.mark < 0 {
		r.message = "no mark: m sets one"
		return
	}
	r.jump(r.ix.stepAt(r.mark), "")
	r.mark = here
}

// filterKey edits the lane filter as it is typed: the lanes follow each
// key; Enter keeps the filter, Esc clears it.
func (r *replay) filterKey(ev *tcell.EventKey) {
	f := r.ix.filter
	switch ev.Key() {
	case tcell.KeyEnter:
		r.filtering = false
	case tcell.KeyEscape:
		r.filtering = false
		r.setFilter("")
	case tcell.KeyBackspace, tcell.KeyBackspace2:
		if rs := []rune(f); len(rs) > 0 {
			r.setFilter(string(rs[:len(rs)-1]))
		}
	case tcell.KeyRune:
		r.setFilter(f + string(ev.Rune()))
	}
}

// mouse handles the mouse on the event loop: a click selects a lane, or
// moves the cursor to a step, and focuses the pane it is in; the wheel
// moves within the pane under it. It takes every action but a move, so
// that tview's own handlers, which the views do not use, see none. A move
// is let through: tview hands the actions of one event to this function
// in turn, and once one is taken the next come without the event.
func (r *replay) mouse(ev *tcell.EventMouse, action tview.MouseAction) (
	*tcell.EventMouse, tview.MouseAction) {
	if action == tview.MouseMove {
		return ev, action
	}
	if ev == nil || r.overlay != nil || r.filtering || r.prompting {
		return nil, action
	}
	x, y := ev.Position()
	pane := r.paneAt(x, y)
	switch action {
	case tview.MouseLeftDown:
		if pane < 0 {
			break
		}
		r.focus = pane
		switch pane {
		case paneLanes:
			if row := r.lanes.rowAt(y); row >= 0 {
				r.sel = row
				if t, ok := r.lanes.timeAt(x); ok {
					r.moveToLaneTime(r.ix.lane(row).ID, t)
				}
			}
		case paneSteps:
			if pos := r.stepAt(y); pos >= 0 {
				r.moveTo(pos)
			}
		}
	case tview.MouseScrollDown, tview.MouseScrollUp:
		d := 1
		if action == tview.MouseScrollUp {
			d = -1
		}
		if pane == paneLanes {
			// The wheel zooms the lanes, as w and s do.
			r.zoom = min(max(r.zoom-d, 0), 40)
			break
		}
		if pane >= 0 {
			focus := r.focus
			r.focus = pane
			r.arrow(d)
			r.focus = focus
		}
	}
	return nil, action
}

// paneAt returns the pane at a screen position, or -1.
func (r *replay) paneAt(x, y int) int {
	if r.lanes.InRect(x, y) {
		return paneLanes
	}
	for p, v := range r.texts {
		if v != nil && v.InRect(x, y) {
			return p
		}
	}
	return -1
}

func (r *replay) quit() {
	if r.stop != nil {
		// Let the player finish before the event loop ends: it may be
		// waiting in QueueUpdateDraw for the loop to run its step, and
		// would wait for ever once the loop had ended.
		done := r.playing
		r.pause()
		go func() {
			<-done
			r.app.QueueUpdate(r.app.Stop)
		}()
		return
	}
	r.app.Stop()
}

// play starts the player: a goroutine that queues a step forward at the
// current speed until the last step, a pause or the end of the replay.
// It closes r.playing when it ends.
func (r *replay) play() {
	stop, done := make(chan struct{}), make(chan struct{})
	r.stop, r.playing = stop, done
	delay := speeds[r.speed]
	go func() {
		defer close(done)
		tick := time.NewTicker(delay)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				r.app.QueueUpdateDraw(func() {
					if r.stop == stop && (!r.move(1) || r.speedChanged(delay)) {
						r.pause()
						if r.cur < r.ix.steps.Len()-1 {
							r.play() // again, at the new speed
						}
					}
				})
			}
		}
	}()
}

func (r *replay) speedChanged(d time.Duration) bool { return speeds[r.speed] != d }

// pause stops the player, if it runs.
func (r *replay) pause() {
	if r.stop != nil {
		close(r.stop)
		r.stop = nil
	}
}
