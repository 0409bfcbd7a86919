package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/gdamore/tcell/v2/terminfo"

	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/ui"
)

// measureUI replays a trace as gocspviz replay does, on tcell's own
// terminal screen writing to a 200x60 xterm that discards what it is
// sent (tcell's simulated screen keeps a second copy of the cells, 1.4
// MB, that no real terminal costs), and prints the time until the first
// picture of a timeline, the time until the whole trace is shown, and
// the events, to w; the parent reads the peak memory of it all.
func measureUI(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := paceGC(f); err != nil {
		return err
	}
	ti, err := terminfo.LookupTerminfo("xterm-256color")
	if err != nil {
		return err
	}
	screen, err := tcell.NewTerminfoScreenFromTtyTerminfo(newNullTty(200, 60), ti)
	if err != nil {
		return err
	}

	start := time.Now()
	var (
		first, whole time.Duration
		loaded       atomic.Bool // the loader has returned
		events       int
	)
	o := ui.Options{Title: path, Screen: screen, AfterDraw: func(s tcell.Screen) {
		header := row(s, 0)
		if first == 0 && strings.Contains(header, "step ") {
			first = time.Since(start)
		}
		if whole == 0 && loaded.Load() && strings.Contains(header, "step ") && !strings.Contains(header, "loading") &&
			!strings.Contains(header, "indexing") {
			whole = time.Since(start)
			s.PostEvent(tcell.NewEventKey(tcell.KeyRune, 'q', tcell.ModNone))
		}
	}}
	err = ui.Load(func(ctx context.Context, progress func(read, total int64),
		partial func(*tracer.Timeline)) (*tracer.Timeline, error) {
		tl, err := tracer.ReadWith(f, tracer.ReadOptions{Progress: progress, Partial: partial})
		if err == nil {
			events = tl.Events
		}
		loaded.Store(true)
		return tl, err
	}, o)
	if err != nil {
		return err
	}
	if whole == 0 {
		return fmt.Errorf("the replay ended before it showed the whole trace")
	}
	fmt.Fprintln(w, whole.Nanoseconds(), events, first.Nanoseconds())
	return nil
}

// nullTty is a terminal of a fixed size that discards what it is sent and
// sends nothing until it is drained.
type nullTty struct {
	size    tcell.WindowSize
	drained chan struct{}
	once    sync.Once
}

func newNullTty(width, height int) *nullTty {
	return &nullTty{size: tcell.WindowSize{Width: width, Height: height}, drained: make(chan struct{})}
}

func (t *nullTty) Start() error                          { return nil }
func (t *nullTty) Stop() error                           { return nil }
func (t *nullTty) NotifyResize(func())                   {}
func (t *nullTty) WindowSize() (tcell.WindowSize, error) { return t.size, nil }
func (t *nullTty) Write(p []byte) (int, error)           { return len(p), nil }
func (t *nullTty) Close() error                          { return nil }

// Drain wakes the screen's reader, which then sees that it is to stop.
func (t *nullTty) Drain() error {
	t.once.Do(func() { close(t.drained) })
	return nil
}

// Read waits until the terminal is drained, and reads nothing.
func (t *nullTty) Read([]byte) (int, error) {
	<-t.drained
	return 0, nil
}

// row returns the text of row y of the screen.
func row(s tcell.Screen, y int) string {
	w, _ := s.Size()
	var b strings.Builder
	for x := range w {
		c, _, _ := s.Get(x, y)
		b.WriteString(c)
	}
	return b.String()
}
