package ui

import (
	"testing"

	"github.com/gdamore/tcell/v2"
)

// TestDeltaScreen draws a sequence of frames through a deltaScreen and
// directly on a screen cleared for each, and checks that both screens end
// each frame the same: cells changed, kept, left undrawn, drawn by tview's
// SetContent, and a resize.
func TestDeltaScreen(t *testing.T) {
	plain := tcell.NewSimulationScreen("UTF-8")
	sim := tcell.NewSimulationScreen("UTF-8")
	delta := newDeltaScreen(sim)
	for _, s := range []tcell.Screen{plain, delta} {
		if err := s.Init(); err != nil {
			t.Fatal(err)
		}
		s.SetSize(12, 3)
	}
	red := tcell.StyleDefault.Foreground(tcell.ColorRed)
	frames := []struct {
		name string
		draw func(s tcell.Screen)
		w, h int // a new size, if not 0
	}{
		{name: "first", draw: func(s tcell.Screen) {
			s.PutStrStyled(0, 0, "hello, 世界", red)
			s.SetContent(0, 1, '█', nil, tcell.StyleDefault)
			s.Put(11, 2, "x", red)
		}},
		{name: "same again", draw: func(s tcell.Screen) {
			s.PutStrStyled(0, 0, "hello, 世界", red)
			s.SetContent(0, 1, '█', nil, tcell.StyleDefault)
			s.Put(11, 2, "x", red)
		}},
		{name: "changed, restyled and undrawn", draw: func(s tcell.Screen) {
			s.PutStrStyled(0, 0, "help", red)
			s.SetContent(0, 1, '█', nil, red)
			s.SetContent(1, 1, 'e', []rune{'\u0301'}, tcell.StyleDefault)
		}},
		{name: "resized", w: 8, h: 2, draw: func(s tcell.Screen) {
			s.PutStr(2, 1, "ok")
			s.Put(20, 20, "off", red)
		}},
		{name: "blank", draw: func(tcell.Screen) {}},
		// More styles than the deltaScreen numbers before it compacts
		// its table: the cells drawn before that keep theirs.
		{name: "many styles", draw: manyStyles},
		{name: "many styles again", draw: manyStyles},
	}
	for _, f := range frames {
		if f.w != 0 {
			plain.SetSize(f.w, f.h)
			sim.SetSize(f.w, f.h)
		}
		for _, s := range []tcell.Screen{plain, delta} {
			s.Clear()
			f.draw(s)
		}
		// Between Clear and Show, the deltaScreen answers for the frame.
		want := cellsOf(plain)
		if got := cellsOf(delta); !got.equal(want) {
			t.Fatalf("%s: the deltaScreen holds\n%s\nwant\n%s", f.name, got.text(), want.text())
		}
		plain.Show()
		delta.Show()
		if got := cellsOf(sim); !got.equal(want) {
			t.Fatalf("%s: shown through the deltaScreen\n%s\nwant\n%s", f.name, got.text(), want.text())
		}
	}

	if n := len(delta.styles); n > maxStyles {
		t.Errorf("the deltaScreen holds %d styles, want at most %d", n, maxStyles)
	}

	// A cell set by SetContent reads back as its runes.
	delta.Clear()
	delta.SetContent(0, 0, 'e', []rune{'\u0301'}, red)
	if m, c, st, _ := delta.GetContent(0, 0); m != 'e' || len(c) != 1 || c[0] != '\u0301' || st != red {
		t.Errorf("GetContent = %q %q %v, want e with an acute accent in red", m, c, st)
	}
	if m, c, st, _ := delta.GetContent(1, 0); m != ' ' || c != nil || st != tcell.StyleDefault {
		t.Errorf("GetContent of an undrawn cell = %q %q %v, want a blank", m, c, st)
	}
}

// manyStyles draws the top row of an 8x2 screen in a few more styles than
// maxStyles, most cells' last style before the table is compacted.
func manyStyles(s tcell.Screen) {
	s.PutStrStyled(0, 1, "under", tcell.StyleDefault.Background(tcell.ColorBlue))
	for i := range maxStyles + 2 {
		style := tcell.StyleDefault.Foreground(tcell.NewRGBColor(int32(i>>8), int32(i&0xff), 7))
		s.Put(i%8, 0, string(rune('a'+i%5)), style)
	}
}

// cellsOf returns what s holds, or for a deltaScreen what the frame being
// drawn holds.
func cellsOf(s tcell.Screen) frame {
	f := snapshot(s)
	for i, c := range f.cells {
		if c == "" {
			f.cells[i] = " "
		}
	}
	return f
}
