package ui

import (
	"fmt"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/gocspviz/gocspviz/tracer"
)

// keyHelp is the key map, shown by ? and kept in README.md.
var keyHelp = [][2]string{
	{"Right, l", "next step"},
	{"Left, h", "previous step"},
	{"Home, g", "first step"},
	{"End, G", "last step"},
	{"Space", "play / pause"},
	{"< >", "slower / faster"},
	{"j k, Down Up", "select a lane"},
	{"w s", "zoom in / out around the cursor"},
	{"a d", "pan left / right"},
	{"0", "fit the program's steps"},
	{"S", "show / hide the runtime's goroutines"},
	{"?", "this help"},
	{"Esc", "close the help"},
	{"q", "quit"},
}

// key handles every key press; it runs on the event loop.
func (r *replay) key(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyCtrlC {
		r.quit() // from any page
		return nil
	}
	if r.overlay == r.help {
		if ev.Key() == tcell.KeyEscape || ev.Rune() == '?' || ev.Rune() == 'q' {
			r.overlay = nil
		}
		return nil
	}
	switch ev.Key() {
	case tcell.KeyRight:
		r.move(1)
	case tcell.KeyLeft:
		r.move(-1)
	case tcell.KeyHome:
		r.move(-len(r.ix.steps))
	case tcell.KeyEnd:
		r.move(len(r.ix.steps))
	case tcell.KeyDown:
		r.sel = min(r.sel+1, max(len(r.ix.rows)-1, 0))
	case tcell.KeyUp:
		r.sel = max(r.sel-1, 0)
	case tcell.KeyRune:
		r.runeKey(ev.Rune())
	}
	return nil
}

func (r *replay) runeKey(c rune) {
	switch c {
	case 'l':
		r.move(1)
	case 'h':
		r.move(-1)
	case 'g':
		r.move(-len(r.ix.steps))
	case 'G':
		r.move(len(r.ix.steps))
	case 'j':
		r.sel = min(r.sel+1, max(len(r.ix.rows)-1, 0))
	case 'k':
		r.sel = max(r.sel-1, 0)
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
	case 'S':
		r.setSystem(!r.ix.showSystem)
	case '?':
		r.overlay = r.help
	case 'q':
		r.quit()
	}
}

func (r *replay) quit() {
	r.pause()
	r.app.Stop()
}

// play starts the player: a goroutine that queues a step forward at the
// current speed until the last step, a pause or the end of the replay.
func (r *replay) play() {
	stop := make(chan struct{})
	r.stop = stop
	delay := speeds[r.speed]
	go func() {
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
						if r.cur < len(r.ix.steps)-1 {
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

// headerLines is the header: what is replayed and where the cursor is.
func (r *replay) headerLines(width, _ int) []line {
	s := r.step()
	state := ""
	if r.stop != nil {
		state = fmt.Sprintf("  ▶ playing, %s a step", speeds[r.speed])
	}
	text := fmt.Sprintf(" gocspviz  %s   step %d/%d   at %s of %s%s",
		r.title, r.cur+1, len(r.ix.steps), tracer.FormatTime(s.Time),
		tracer.FormatTime(r.tl.Duration), state)
	return []line{{text, styleText.Bold(true)}}
}

// statusLines is the status line: the most used keys.
func (r *replay) statusLines(int, int) []line {
	return []line{{" ←/→ step  Space play  j/k lane  w/s zoom  a/d pan  0 fit  ? help  q quit", styleDim}}
}

// stepLines lists the steps around the cursor, the current one marked.
func (r *replay) stepLines(width, height int) []line {
	if len(r.ix.steps) == 0 {
		return []line{{"no steps: the trace shows no goroutine of the program", styleDim}}
	}
	before := (height - 1) / 2
	first := max(r.cur-before, 0)
	var out []line
	for i := first; i < len(r.ix.steps) && len(out) < height; i++ {
		text := stepLine(r.tl, r.ix.steps[i], width-2)
		if i == r.cur {
			out = append(out, line{"▶ " + text, styleCurrent})
		} else {
			out = append(out, line{"  " + text, styleText})
		}
	}
	return out
}

// channelLines shows the channels as they are after the current step, as
// many as fit.
func (r *replay) channelLines(width, height int) []line {
	if len(r.tl.Channels) == 0 {
		return []line{{"no annotated channels in this trace", styleDim}}
	}
	var out []line
	k := int32(0)
	if len(r.ix.steps) > 0 {
		k = r.ix.steps[r.cur]
	}
	for ci := 0; ci < len(r.tl.Channels) && len(out) < height; ci++ {
		for i, text := range channelAt(r.ix, ci, k).lines(width) {
			st := styleText
			if i == 0 {
				st = st.Bold(true)
			}
			out = append(out, line{text, st})
		}
	}
	return out
}
