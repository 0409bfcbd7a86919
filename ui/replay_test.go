package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/gocspviz/gocspviz/tracer"
)

// wantText fails the test unless the frame shows each of the texts.
func wantText(t *testing.T, f frame, texts ...string) {
	t.Helper()
	screen := f.text()
	for _, text := range texts {
		if !strings.Contains(screen, text) {
			t.Errorf("got a screen without %q, want it there:\n%s", text, screen)
		}
	}
}

// laneRow returns the row of the lane whose label matches name, or -1.
func laneRow(f frame, name string) int {
	re := regexp.MustCompile(`^[│║]` + name + ` g\d+ `)
	for y := 0; y < f.h; y++ {
		if re.MatchString(f.row(y)) {
			return y
		}
	}
	return -1
}

func TestFirstScreen(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	f := h.last()
	wantText(t, f, " goroutines ", " channels ", " steps ", "step 1/", "? help")
	for _, g := range []string{"counter", "squarer", "main"} {
		if laneRow(f, g) < 0 {
			t.Errorf("got no lane for %s, want one:\n%s", g, f.text())
		}
	}
	for _, c := range []string{"naturals  unbuffered", "squares  unbuffered"} {
		wantText(t, f, c)
	}
}

func TestStepForwardAndBack(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	first := h.last()
	right := h.keys("Right")
	if right.equal(first) {
		t.Fatalf("got the same screen after Right, want a new step:\n%s", right.text())
	}
	wantText(t, right, "step 2/")
	back := h.keys("Left")
	if !back.equal(first) {
		t.Errorf("got after Right Left:\n%s\nwant the first screen:\n%s", back.text(), first.text())
	}

	// Far and back again: every view is a function of the cursor.
	h.keys("End")
	if back := h.keys("Home"); !back.equal(first) {
		t.Errorf("got after End Home:\n%s\nwant the first screen:\n%s", back.text(), first.text())
	}
	mid := h.keys("Right", "Right", "Right", "Right", "Right")
	h.keys("Right", "Right", "Right")
	if back := h.keys("Left", "Left", "Left"); !back.equal(mid) {
		t.Errorf("got after 8 Right 3 Left:\n%s\nwant the screen after 5 Right:\n%s", back.text(), mid.text())
	}
}

func TestHelp(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	first := h.last()
	help := h.keys("?")
	wantText(t, help, "help: Esc or ? to close", "next / previous step", "q, Ctrl-C")
	closed := h.keys("Esc")
	if !closed.equal(first) {
		t.Errorf("got after ? Esc:\n%s\nwant the first screen:\n%s", closed.text(), first.text())
	}
}

func TestQuit(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys []string
	}{
		{"q", nil},
		{"q after help", []string{"?", "Esc"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, pipeline(t, "-n", "3"))
			h.keys(tc.keys...)
			if err := h.stop(); err != nil {
				t.Errorf("got %v from Replay after q, want nil", err)
			}
		})
	}
}

func TestCtrlCQuitsFromHelp(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	h.keys("?")
	h.sim.InjectKey(tcell.KeyCtrlC, 0, tcell.ModCtrl)
	if err := <-h.done; err != nil {
		t.Errorf("got %v from Replay after Ctrl-C, want nil", err)
	}
	h.done <- nil
}

func TestTooSmall(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	for _, size := range [][2]int{{79, 24}, {80, 23}, {40, 10}} {
		f := h.resize(size[0], size[1])
		wantText(t, f, "terminal too small")
		if strings.Contains(f.text(), "goroutines") {
			t.Errorf("got the lanes in a %dx%d screen, want only the message:\n%s", size[0], size[1], f.text())
		}
	}
	f := h.resize(80, 24)
	wantText(t, f, " goroutines ", " channels ", "naturals")
	if strings.Contains(f.text(), "too small") {
		t.Errorf("got the message at 80x24, want the replay:\n%s", f.text())
	}
}

func TestNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	h := start(t, pipeline(t, "-n", "3"))
	f := h.keys("End")

	// The states are still told apart by their glyphs.
	var lanes string
	for _, g := range []string{"main", "counter", "squarer"} {
		row := laneRow(f, g)
		if row < 0 {
			t.Fatalf("got no lane for %s:\n%s", g, f.text())
		}
		lanes += f.row(row)[1+labelWidth:]
	}
	// Which states a cell shows depends on the run (a goroutine may run
	// for less than a cell), but a pipeline's goroutines run or are
	// runnable, and wait.
	if !strings.ContainsAny(lanes, lookRunning.glyph+lookRunnable.glyph) {
		t.Errorf("got lanes %q, want %q or %q in them", lanes, lookRunning.glyph, lookRunnable.glyph)
	}
	if !strings.ContainsAny(lanes, lookSend.glyph+lookRecv.glyph) {
		t.Errorf("got lanes %q, want %q or %q in them", lanes, lookSend.glyph, lookRecv.glyph)
	}

	// And no cell has a colour.
	for i, st := range f.styles {
		if fg, bg, _ := st.Decompose(); fg != tcell.ColorDefault || bg != tcell.ColorDefault {
			t.Fatalf("got cell (%d,%d) %q in colours %v on %v, want none", i%f.w, i/f.w, f.cells[i], fg, bg)
		}
	}
}

func TestColorByDefault(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	h := start(t, pipeline(t, "-n", "3"))
	f := h.keys("End")
	row := laneRow(f, "counter")
	if row < 0 {
		t.Fatalf("got no lane for counter:\n%s", f.text())
	}
	colored := 0
	for x := 1 + labelWidth; x < f.w; x++ {
		if fg, _, _ := f.styles[row*f.w+x].Decompose(); fg != tcell.ColorDefault {
			colored++
		}
	}
	if colored == 0 {
		t.Errorf("got counter's lane without colour, want its states coloured")
	}
}

// TestChannelsWithoutSteps replays a timeline that has a channel and a
// goroutine but no step, and keys move nothing.
func TestChannelsWithoutSteps(t *testing.T) {
	tl := &tracer.Timeline{
		Duration: 100, End: 100,
		Goroutines: []*tracer.Goroutine{{ID: 1, Name: "main.main", Parent: tracer.NoG, Created: tracer.NoTime,
			Ended: tracer.NoTime, GoStack: -1,
			Spans: tracer.MakeSpans(tracer.Span{Start: 0, End: 100, State: tracer.Running, Block: -1})}},
		Channels: []*tracer.Channel{{ID: 1, Name: "jobs", Made: tracer.NoTime}},
	}
	h := start(t, tl)
	f := h.keys("Right", "End", "Left", "]")
	wantText(t, f, "main g1", " channels ")
}
