package ui

import (
	"fmt"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gocspviz/gocspviz/tracer"
)

// findingLines lists the timeline's findings, one a line: the kind, when,
// and what.
func findingLines(tl *tracer.Timeline) []string {
	var out []string
	for _, f := range tl.Findings {
		out = append(out, fmt.Sprintf("%-8s %9s  %s", f.Kind, tracer.FormatTime(f.Time), f.Detail))
	}
	return out
}

// findingsView is the findings overlay: the leaks and deadlocks of the
// run, one of them selected; Enter goes to its moment.
type findingsView struct {
	*tview.Box            // the whole screen; not drawn
	frame      *tview.Box // the bordered box
	r          *replay
}

func (r *replay) newFindingsView() *findingsView {
	return &findingsView{
		Box:   tview.NewBox(),
		frame: r.newBox(" findings: ↑↓ choose, Enter go there, Esc close "),
		r:     r,
	}
}

func (v *findingsView) Draw(screen tcell.Screen) {
	r := v.r
	x, y, w, h := v.GetRect()
	lines := findingLines(r.tl)
	if len(lines) == 0 {
		lines = []string{"no findings: no goroutine leaked, and there was no deadlock"}
	}

	// The box: the screen's width less a margin, as high as the list.
	bw, bh := w-4, min(len(lines)+2, h-4)
	bx, by := x+2, y+(h-bh)/2
	v.frame.SetRect(bx, by, bw, bh)
	clearRect(screen, bx, by, bw, bh)
	r.drawBorder(screen, v.frame, true)

	// The list, scrolled to keep the selected finding in view.
	ix, iy, iw, ih := v.frame.GetInnerRect()
	first := max(r.found-ih+1, 0)
	for i := 0; i < ih && first+i < len(lines); i++ {
		st := styleText
		if first+i == r.found && len(r.tl.Findings) > 0 {
			st = styleCurrent
		}
		putString(screen, ix, iy+i, fit(" "+lines[first+i], iw), r.paint(st))
	}
}

// findingsKey handles a key in the findings overlay.
func (r *replay) findingsKey(ev *tcell.EventKey) {
	n := len(r.tl.Findings)
	switch {
	case ev.Key() == tcell.KeyEscape || ev.Rune() == 'f' || ev.Rune() == 'q':
		r.overlay = nil
	case ev.Key() == tcell.KeyDown || ev.Rune() == 'j':
		r.found = min(r.found+1, max(n-1, 0))
	case ev.Key() == tcell.KeyUp || ev.Rune() == 'k':
		r.found = max(r.found-1, 0)
	case ev.Key() == tcell.KeyEnter && n > 0 && r.ix.steps.Len() > 0:
		r.overlay = nil
		r.goToFinding(r.tl.Findings[r.found])
	}
}

// goToFinding moves the cursor to the moment of a finding, the first step
// at or after it, and selects the lane of its goroutine.
func (r *replay) goToFinding(f tracer.Finding) {
	r.moveTo(r.ix.atTime(f.Time))
	if row := r.rowOf(f.G); row >= 0 {
		r.sel = row
	} else if f.G != tracer.NoG {
		r.message = r.tl.Name(f.G) + " has no lane: S or the filter hides it"
	}
}
