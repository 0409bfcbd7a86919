package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gocspviz/gocspviz/tracer"
)

// A Loader reads a timeline, calling progress now and then with the bytes
// read and the input's size (-1 when unknown). It must return soon after
// ctx is cancelled.
type Loader func(ctx context.Context, progress func(read, total int64)) (*tracer.Timeline, error)

// Load opens the replay at once, shows the loading's progress until load
// returns, then replays the timeline until the user quits. A big trace
// takes seconds to read: the screen says how far it has got instead of
// staying blank. It returns load's error, after restoring the terminal. A
// user who quits while loading cancels load, and Load returns once load
// has.
func Load(load Loader, o Options) (err error) {
	app := newApp(o)
	lv := &loadingView{Box: tview.NewBox(), title: o.Title, noColor: os.Getenv("NO_COLOR") != ""}
	app.SetRoot(lv, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The loader never waits for the event loop: it wakes it with a key
	// event of its own, which does not wait (QueueUpdate would, for ever
	// once the loop has ended), and leaves its result in results.
	type result struct {
		tl  *tracer.Timeline
		err error
	}
	results := make(chan result, 1)
	wake := func() { app.QueueEvent(tcell.NewEventKey(wakeKey, 0, tcell.ModNone)) }
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		tl, err := load(ctx, lv.progress(wake))
		results <- result{tl, err}
		wake()
	}()

	// Until the timeline is there, keys stop the loading, and the wake-up
	// redraws the progress or takes the result. Quitting waits for the
	// loader, so that it has ended when Load returns.
	var r *replay
	var loadErr error
	app.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		switch {
		case ev.Key() == wakeKey:
			select {
			case res := <-results:
				switch {
				case ctx.Err() != nil:
					app.Stop()
				case res.err != nil:
					loadErr = res.err
					app.Stop()
				default:
					r = newReplayIn(app, res.tl, o)
				}
			default:
			}
		case ev.Key() == tcell.KeyCtrlC || ev.Rune() == 'q':
			cancel()
		}
		return nil
	})

	defer func() {
		if r != nil {
			r.pause()
		}
		if p := recover(); p != nil {
			err = fmt.Errorf("ui: internal error: %v", p)
		}
	}()
	runErr := app.Run()
	cancel()
	<-loaded
	if loadErr != nil {
		return loadErr
	}
	return runErr
}

// wakeKey is the key of the events with which the loader wakes the event
// loop; no terminal sends it.
const wakeKey = tcell.KeyF64

// loadingView is the screen while a trace loads: its name and a bar.
type loadingView struct {
	*tview.Box
	title   string
	noColor bool
	read    atomic.Int64
	total   atomic.Int64
}

// progress returns the function the loader calls: it keeps the figures
// and wakes the event loop to redraw only when the bar would change, so
// that the application's queue of events never fills.
func (v *loadingView) progress(wake func()) func(read, total int64) {
	var shown atomic.Int64
	shown.Store(-1)
	return func(read, total int64) {
		v.read.Store(read)
		v.total.Store(total)
		step := read >> 20 // a redraw a megabyte when the size is unknown
		if total > 0 {
			step = read * 100 / total
		}
		if shown.Swap(step) != step {
			wake()
		}
	}
}

func (v *loadingView) Draw(screen tcell.Screen) {
	x, y, w, h := v.GetRect()
	line := loadingLine(v.title, v.read.Load(), v.total.Load())
	st := tcell.StyleDefault
	if !v.noColor {
		st = st.Foreground(tcell.ColorGreen)
	}
	putString(screen, x+2, y+h/2, fit(line, w-2), st)
	putString(screen, x+2, y+h/2+2, fit("q quits", w-2), tcell.StyleDefault.Dim(true))
}

// loadingLine says how far the loading has got: the name, a bar when the
// size is known, and the megabytes read.
func loadingLine(title string, read, total int64) string {
	mb := func(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
	if total <= 0 {
		return fmt.Sprintf("reading %s: %s", title, mb(read))
	}
	const barWidth = 30
	read = min(read, total)
	filled := int(read * barWidth / total)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", barWidth-filled)
	return fmt.Sprintf("reading %s  %s  %d%%  %s of %s", title, bar, read*100/total, mb(read), mb(total))
}
