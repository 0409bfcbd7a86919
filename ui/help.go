package ui

import (
	"fmt"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// helpColumns returns the two columns of the help overlay: the key map, and
// the key to the glyphs of the lanes. Both fit a screen of MinHeight rows,
// which TestHelpFits checks.
func helpColumns() (keys, lanes []string) {
	keys = []string{"Keys", ""}
	for _, k := range keyHelp {
		keys = append(keys, fmt.Sprintf("%-14s %s", k[0], k[1]))
	}
	lanes = []string{"Lanes", ""}
	for _, lk := range legend {
		lanes = append(lanes, lk.glyph+"  "+lk.name)
	}
	return keys, lanes
}

// helpView is the help overlay: a bordered box in the middle of the screen,
// sized to its text, over the replay.
type helpView struct {
	*tview.Box            // the whole screen; not drawn, so the replay shows around
	frame      *tview.Box // the bordered box
	r          *replay
}

func (r *replay) newHelpView() *helpView {
	return &helpView{Box: tview.NewBox(), frame: r.newBox(" help: Esc or ? to close "), r: r}
}

func (v *helpView) Draw(screen tcell.Screen) {
	x, y, w, h := v.GetRect()
	keys, lanes := helpColumns()
	kw, lw := widest(keys), widest(lanes)

	// The box, centred and cut to the screen.
	const gap = 3
	bw, bh := min(kw+gap+lw+4, w), min(max(len(keys), len(lanes))+2, h)
	bx, by := x+(w-bw)/2, y+(h-bh)/2
	v.frame.SetRect(bx, by, bw, bh)
	clearRect(screen, bx, by, bw, bh)
	v.r.drawBorder(screen, v.frame, true)

	// The columns inside it.
	ix, iy, iw, ih := v.frame.GetInnerRect()
	ix++
	iw--
	for i := 0; i < ih; i++ {
		if i < len(keys) {
			putString(screen, ix, iy+i, fit(keys[i], min(kw, iw)), v.r.paint(helpStyle(i)))
		}
		if i < len(lanes) && kw+gap < iw {
			putString(screen, ix+kw+gap, iy+i, fit(lanes[i], iw-kw-gap), v.r.paint(helpStyle(i)))
		}
	}
}

// helpStyle is the style of line i of a help column: its heading is bold.
func helpStyle(i int) tcell.Style {
	if i == 0 {
		return styleText.Bold(true)
	}
	return styleText
}

// widest returns the width in runes of the longest line.
func widest(lines []string) int {
	n := 0
	for _, l := range lines {
		n = max(n, len([]rune(l)))
	}
	return n
}
