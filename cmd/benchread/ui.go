package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/ui"
)

// measureUI replays a trace as gocspviz replay does, on a simulated
// 200x60 terminal, and prints the time until the first picture of a
// timeline, the time until the whole trace is shown, and the events; the
// parent reads the peak memory of it all.
func measureUI(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := paceGC(f); err != nil {
		return err
	}

	sim := tcell.NewSimulationScreen("UTF-8")
	start := time.Now()
	var (
		first, whole time.Duration
		loaded       atomic.Bool // the loader has returned
		events       int
		sized        bool
	)
	o := ui.Options{Title: path, Screen: sim, AfterDraw: func(s tcell.Screen) {
		if !sized {
			sized = true
			sim.SetSize(200, 60)
			sim.PostEvent(tcell.NewEventResize(200, 60))
			return
		}
		header := row(s, 0)
		if first == 0 && strings.Contains(header, "step ") {
			first = time.Since(start)
		}
		if whole == 0 && loaded.Load() && strings.Contains(header, "step ") && !strings.Contains(header, "loading") &&
			!strings.Contains(header, "indexing") {
			whole = time.Since(start)
			sim.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
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
	fmt.Println(whole.Nanoseconds(), events, first.Nanoseconds())
	return nil
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
