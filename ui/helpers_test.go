package ui

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/gocspviz/gocspviz/scenarios"
	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

// recorded caches the timelines of pipeline runs by their flags: recording
// under runtime/trace is slow under the race detector, and only one trace
// may be recorded at a time.
var recorded struct {
	sync.Mutex
	m map[string]*tracer.Timeline
}

// pipeline records the pipeline scenario with the given flags, once per
// set of flags, and returns its timeline. Callers must not change it.
func pipeline(tb testing.TB, args ...string) *tracer.Timeline {
	tb.Helper()
	return scenario(tb, "pipeline", args...)
}

// scenario records the named scenario with the given flags, as pipeline
// does.
func scenario(tb testing.TB, name string, args ...string) *tracer.Timeline {
	tb.Helper()
	recorded.Lock()
	defer recorded.Unlock()
	key := name + " " + strings.Join(args, " ")
	if tl := recorded.m[key]; tl != nil {
		return tl
	}

	// Record, as the command's child process does, then read.
	s, ok := scenarios.Lookup(name)
	if !ok {
		tb.Fatalf("no %s scenario", name)
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	run := s.Setup(fs)
	if err := fs.Parse(args); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	err := probe.Record(context.Background(), &buf, func(ctx context.Context) error {
		return run(ctx, io.Discard)
	}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tl, err := tracer.Read(bytes.NewReader(buf.Bytes()), nil)
	if err != nil {
		tb.Fatal(err)
	}
	if recorded.m == nil {
		recorded.m = map[string]*tracer.Timeline{}
	}
	recorded.m[key] = tl
	return tl
}

// frame is what one draw left on the screen: a rune and a style per cell.
type frame struct {
	w, h   int
	cells  []string
	styles []tcell.Style
}

// snapshot copies the screen's drawn cells. It reads the back buffer, which
// holds the frame just drawn: tview calls the after-draw function before it
// shows the frame.
func snapshot(s tcell.Screen) frame {
	w, h := s.Size()
	f := frame{w: w, h: h, cells: make([]string, w*h), styles: make([]tcell.Style, w*h)}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			f.cells[y*w+x], f.styles[y*w+x], _ = s.Get(x, y)
		}
	}
	return f
}

// text returns the frame's rows as lines of text, trailing spaces cut.
func (f frame) text() string {
	var b strings.Builder
	for y := 0; y < f.h; y++ {
		b.WriteString(strings.TrimRight(f.row(y), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// row returns row y of the frame.
func (f frame) row(y int) string {
	var b strings.Builder
	for x := 0; x < f.w; x++ {
		c := f.cells[y*f.w+x]
		if c == "" {
			c = " "
		}
		b.WriteString(c)
	}
	return b.String()
}

// equal reports whether two frames have the same size, runes and styles.
func (f frame) equal(g frame) bool {
	if f.w != g.w || f.h != g.h {
		return false
	}
	for i := range f.cells {
		if f.cells[i] != g.cells[i] || f.styles[i] != g.styles[i] {
			return false
		}
	}
	return true
}

// wait is how long a test waits for a frame before it gives up.
const wait = 10 * time.Second

// harness runs a replay on a simulation screen and collects every frame it
// draws. Each key the UI handles draws exactly one frame, so the frame after
// a key is found by counting frames: no sleeping, and no reliance on
// QueueUpdate, which is not ordered with injected keys.
type harness struct {
	t    *testing.T
	sim  tcell.SimulationScreen
	done chan error // receives Replay's result

	mu     sync.Mutex
	frames []frame
	drawn  chan struct{} // closed and replaced at every frame
}

// start runs Replay on tl in a goroutine and waits for its first frame. The
// replay is stopped when the test ends if the test did not stop it.
func start(t *testing.T, tl *tracer.Timeline) *harness {
	t.Helper()
	return startWith(t, func(o Options) error { return Replay(tl, o) })
}

// startWith runs run (Replay or Load) with the harness's screen in a
// goroutine, as start does.
func startWith(t *testing.T, run func(Options) error) *harness {
	t.Helper()
	h := &harness{
		t:     t,
		sim:   tcell.NewSimulationScreen("UTF-8"),
		done:  make(chan error, 1),
		drawn: make(chan struct{}),
	}
	go func() {
		h.done <- run(Options{Title: "test", Screen: h.sim, AfterDraw: h.afterDraw})
	}()
	t.Cleanup(func() {
		select {
		case <-h.done:
		default:
			h.sim.InjectKey(tcell.KeyCtrlC, 0, tcell.ModCtrl)
			<-h.done
		}
	})
	h.frameAfter(0)
	return h
}

// afterDraw records a frame; it runs on the event loop.
func (h *harness) afterDraw(s tcell.Screen) {
	f := snapshot(s)
	h.mu.Lock()
	h.frames = append(h.frames, f)
	close(h.drawn)
	h.drawn = make(chan struct{})
	h.mu.Unlock()
}

// count returns the number of frames drawn so far.
func (h *harness) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.frames)
}

// frameAfter waits for frame number n (counting from 0) and returns it.
func (h *harness) frameAfter(n int) frame {
	h.t.Helper()
	deadline := time.After(wait)
	for {
		h.mu.Lock()
		if n < len(h.frames) {
			f := h.frames[n]
			h.mu.Unlock()
			return f
		}
		drawn := h.drawn
		h.mu.Unlock()
		select {
		case <-drawn:
		case err := <-h.done:
			h.done <- err
			h.t.Fatalf("replay ended with %v while waiting for frame %d", err, n)
		case <-deadline:
			h.t.Fatalf("no frame %d after %v", n, wait)
		}
	}
}

// last returns the last frame drawn.
func (h *harness) last() frame {
	h.t.Helper()
	return h.frameAfter(h.count() - 1)
}

// press injects a key and returns the frame drawn after it.
func (h *harness) press(key tcell.Key, r rune) frame {
	h.t.Helper()
	n := h.count()
	h.sim.InjectKey(key, r, tcell.ModNone)
	return h.frameAfter(n)
}

// keys presses each key in turn: runes as themselves, and the names Right,
// Left, Home, End, Up, Down, Esc, Tab and Enter as those keys. It returns the
// frame after the last.
func (h *harness) keys(names ...string) frame {
	h.t.Helper()
	special := map[string]tcell.Key{
		"Right": tcell.KeyRight, "Left": tcell.KeyLeft, "Home": tcell.KeyHome,
		"End": tcell.KeyEnd, "Up": tcell.KeyUp, "Down": tcell.KeyDown,
		"Esc": tcell.KeyEscape, "Tab": tcell.KeyTab, "Enter": tcell.KeyEnter,
		"Backtab": tcell.KeyBacktab,
	}
	f := h.last()
	for _, name := range names {
		if k, ok := special[name]; ok {
			f = h.press(k, 0)
			continue
		}
		for _, r := range name {
			f = h.press(tcell.KeyRune, r)
		}
	}
	return f
}

// resize changes the screen's size and returns the first frame drawn at
// the new size. The simulation screen sends no event for a new size, so
// resize posts the one a terminal would.
func (h *harness) resize(w, ht int) frame {
	h.t.Helper()
	n := h.count()
	h.sim.SetSize(w, ht)
	if err := h.sim.PostEvent(tcell.NewEventResize(w, ht)); err != nil {
		h.t.Fatalf("post resize: %v", err)
	}
	for ; ; n++ {
		if f := h.frameAfter(n); f.w == w && f.h == ht {
			return f
		}
	}
}

// stop presses q and returns what Replay returned.
func (h *harness) stop() error {
	h.t.Helper()
	h.sim.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
	select {
	case err := <-h.done:
		h.done <- err // for the cleanup
		return err
	case <-time.After(wait):
		h.t.Fatalf("replay did not end %v after q", wait)
		return nil
	}
}
