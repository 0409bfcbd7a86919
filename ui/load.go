package ui

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gocspviz/gocspviz/tracer"
)

// A Loader reads a timeline, calling progress now and then with the bytes
// read and the input's size (-1 when unknown), and partial, if it can,
// with the timeline of what it has read so far (see tracer.ReadWith). It
// must return soon after ctx is cancelled.
type Loader func(ctx context.Context, progress func(read, total int64),
	partial func(*tracer.Timeline)) (*tracer.Timeline, error)

// Load opens the replay at once and shows the loading's progress. As soon
// as the loader has read a part of the trace, it replays that part, which
// the user may step through while the rest loads; the replay takes in
// more as the loader hands it over, keeping the cursor where it was. Once
// load returns, it replays the whole timeline until the user quits. It
// returns load's error, after restoring the terminal. A user who quits
// while loading cancels load, and Load returns once load has.
func Load(load Loader, o Options) (err error) {
	app := newApp(o)
	lv := &loadingView{Box: tview.NewBox(), title: o.Title, noColor: os.Getenv("NO_COLOR") != ""}
	app.SetRoot(lv, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The loader never waits for the event loop to take an event: it
	// wakes it with a key event of its own, one at a time so that the
	// loop's queue never fills (QueueUpdate would wait, for ever once the
	// loop has ended), and leaves its timelines, with their index made
	// off the loop, in latest (the newest part read) and results (the
	// whole), then the whole's navigation lists in navs. It waits only
	// for shown, or for the loading to be cancelled.
	type result struct {
		tl  *tracer.Timeline
		ix  *index
		err error
	}
	var latest atomic.Pointer[result]
	results := make(chan result, 1)
	navs := make(chan *navLists, 1)
	shown := make(chan struct{}) // closed once the loop holds no partial timeline
	var woken atomic.Bool        // a wake-up is queued
	wake := func() {
		if !woken.Swap(true) {
			app.QueueEvent(tcell.NewEventKey(wakeKey, 0, tcell.ModNone))
		}
	}
	var partials atomic.Bool // the loader has handed over a partial timeline
	partial := func(tl *tracer.Timeline) {
		partials.Store(true)
		latest.Store(&result{tl: tl, ix: newIndex(tl, false)})
		wake()
	}
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		tl, err := load(ctx, lv.progress(wake), partial)
		res := result{tl: tl, err: err}
		// The navigation lists, a large part of an index (24 MB of 65
		// for the 132 MB trace of go test time; 70 of 112 before they
		// were packed), are made apart, once the loop holds the last
		// partial timeline no more, rather than beside it. A trace read
		// before a partial timeline was due has its index made whole.
		apart := partials.Load()
		if err == nil && ctx.Err() == nil {
			// What the trace reader held is garbage now. Given back to
			// the system before the index is made, it no longer adds to
			// the replay's peak: 63-65 MB instead of 64-72 MB for
			// pipeline -n 100000, 208-210 MB instead of 235-240 MB for
			// -n 400000, for 3-10 ms.
			debug.FreeOSMemory()
			res.ix = makeIndex(tl, false, !apart)
		} else {
			apart = false
		}
		results <- res
		wake()
		if !apart {
			return
		}
		select {
		case <-shown:
		case <-ctx.Done():
			return
		}
		// What the partial timelines held goes back to the system
		// first, as the reader's did: the replay of go test time then
		// peaked at 831-853 MB rather than 852-857, 0.1 s later.
		debug.FreeOSMemory()
		if nav := scanSteps(tl, false, false, true, ctx.Done()).nav; nav != nil {
			navs <- nav
			wake()
		}
	}()

	// Until there is a timeline, keys stop the loading; then they go to
	// the replay, whose q quits, ending the loop. The wake-ups redraw the
	// progress or take the timelines. Quitting waits for the loader, so
	// that it has ended when Load returns.
	var r *replay
	var loadErr error
	show := func(res *result) {
		if r == nil {
			r = newReplayIn(app, res.tl, res.ix, o)
		} else {
			r.setTimeline(res.tl, res.ix)
		}
	}
	app.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		switch {
		case ev.Key() == wakeKey:
			woken.Store(false)
			select {
			case res := <-results:
				latest.Store(nil)
				switch {
				case ctx.Err() != nil:
					app.Stop()
				case res.err != nil:
					loadErr = res.err
					app.Stop()
				default:
					show(&res)
					r.loading = nil
					if r.ix.nav == nil {
						lv.indexing = true
						r.loading = lv
					}
					close(shown)
				}
			case nav := <-navs:
				r.loading = nil // it said "indexing the steps"
				r.ix.adoptNav(nav)
			default:
				if res := latest.Swap(nil); res != nil {
					show(res)
					r.loading = lv
				}
			}
		case r != nil:
			return r.key(ev)
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
	runErr := run(app, o)
	cancel()
	<-loaded
	if loadErr != nil {
		return loadErr
	}
	return runErr
}

// GCPercent is the garbage collector's percent (see debug.SetGCPercent)
// that a program does well to replay with, lower than tracer.GCPercent
// for reading alone, when the trace's size is not known for tracer.PaceGC
// to pace the collector: a replay holds the timeline and its index for as
// long as the user looks. At 25 rather than 50, the replay of a 48 MB trace of
// pipeline -n 200000 peaked at 145 MB instead of 164 MB, and loaded 3-10%
// longer.
const GCPercent = 25

// wakeKey is the key of the events with which the loader wakes the event
// loop; no terminal sends it.
const wakeKey = tcell.KeyF64

// loadingView is the screen while a trace loads, until a part of it is
// read: its name and a bar. It also keeps the figures for the replay's
// header while the rest loads.
type loadingView struct {
	*tview.Box
	title   string
	noColor bool
	read    atomic.Int64
	total   atomic.Int64

	// indexing is set, by the event loop, while the whole trace is
	// shown and the keys' lists are made (see Load).
	indexing bool
}

// progress returns the function the loader calls: it keeps the figures
// and wakes the event loop to redraw only when the bar would change.
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

// short says how far the loading has got in a few words, for the
// replay's header while the rest of the trace loads.
func (v *loadingView) short() string {
	if v.indexing {
		return "indexing the steps"
	}
	read, total := v.read.Load(), v.total.Load()
	if total <= 0 {
		return fmt.Sprintf("loading: %.1f MB read", float64(read)/1e6)
	}
	return fmt.Sprintf("loading: %d%% read", min(read, total)*100/total)
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
