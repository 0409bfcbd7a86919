package ui

import (
	"fmt"
	"strings"

	"github.com/gocspviz/gocspviz/tracer"
)

// The text of the panes other than the lanes: each a function of the
// replay's state, computed at every draw for the size drawn.

// headerLines is the header: what is replayed, where the cursor is, and
// how many findings there are.
func (r *replay) headerLines(width, _ int) []line {
	s := r.step()
	state := ""
	if r.stop != nil {
		state = fmt.Sprintf("  ▶ playing, %s a step", speeds[r.speed])
	}
	text := fmt.Sprintf(" gocspviz  %s   step %d/%d   at %s of %s%s",
		r.title, r.cur+1, r.ix.steps.Len(), tracer.FormatTime(s.Time),
		tracer.FormatTime(r.tl.Duration), state)
	if n := len(r.tl.Findings); n > 0 {
		text += fmt.Sprintf("   %s: f", plural(n, "finding"))
	}
	if r.loading != nil {
		text += "   " + r.loading.short()
	}
	return []line{{text, styleText.Bold(true)}}
}

// plural says "1 finding", "2 findings".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// statusLine is the status line when nothing else is to be said: the most
// used keys, in 80 columns. The header names the key of the findings when
// there are some.
const statusLine = " →/← step  ./, lane  ]/[ wake-up  Space play  / filter  ? help  q quit"

// statusLines is the status line: the filter being typed, a message from
// the last key, the filter in force, or the most used keys.
func (r *replay) statusLines(int, int) []line {
	switch {
	case r.filtering:
		return []line{{" filter lanes: " + r.ix.filter + "▏  Enter keeps it, Esc clears it", styleText}}
	case r.prompting:
		return []line{{" go to: " + r.prompt +
			"▏  a time (12ms, 1.5s) or a goroutine (g 17); Enter goes, Esc cancels", styleText}}
	case r.message != "":
		return []line{{" " + r.message, styleText}}
	case r.ix.filter != "":
		return []line{{fmt.Sprintf(" lanes matching %s: %d of %d   n/N their next/previous step   / change",
			quote(r.ix.filter), len(r.ix.rows), len(r.ix.all)), styleDim}}
	}
	return []line{{statusLine, styleDim}}
}

// firstStepLine returns the position of the step listed first in a steps
// pane of the given height: the cursor stays in the middle.
func (r *replay) firstStepLine(height int) int {
	return max(r.cur-(height-1)/2, 0)
}

// stepLines lists the steps around the cursor, the current one marked,
// and the mark.
func (r *replay) stepLines(width, height int) []line {
	if r.ix.steps.Len() == 0 {
		return []line{{"no steps: the trace shows no goroutine of the program", styleDim}}
	}
	var out []line
	for i := r.firstStepLine(height); i < r.ix.steps.Len() && len(out) < height; i++ {
		k := r.ix.steps.At(i)
		text := stepLine(r.tl, k, width-2)
		switch {
		case i == r.cur:
			out = append(out, line{"▶ " + text, styleCurrent})
		case k == r.mark:
			out = append(out, line{"' " + text, styleText})
		default:
			out = append(out, line{"  " + text, styleText})
		}
	}
	return out
}

// stepAt returns the position of the step listed at screen row y of the
// steps pane, or -1.
func (r *replay) stepAt(y int) int {
	v := r.texts[paneSteps]
	_, top, _, h := v.GetInnerRect()
	if y < top || y >= top+h {
		return -1
	}
	pos := r.firstStepLine(h) + y - top
	if pos >= r.ix.steps.Len() {
		return -1
	}
	return pos
}

// channelLines shows the channels as they are after the current step, as
// many as fit.
func (r *replay) channelLines(width, height int) []line {
	k := int32(0)
	if r.ix.steps.Len() > 0 {
		k = r.ix.steps.At(r.cur)
	}
	if len(r.tl.Channels) == 0 || r.tl.Steps.Len() == 0 {
		// No channel, or no step to show them after, as in a damaged
		// trace whose steps all lie outside the program's run.
		return r.siteLines(width, height, r.step().Time)
	}
	var out []line
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

// siteLines stands in for the channels of a trace without annotations:
// the goroutines waiting on channels, selects and locks at time t, grouped
// by what they wait on and where, the largest group first.
func (r *replay) siteLines(width, height int, t tracer.Time) []line {
	groups := r.ix.waitingAt(t)
	if len(groups) == 0 {
		return []line{
			{fit("no annotated channels; nobody waits", width), styleDim},
			{fit("on a channel or lock at this step", width), styleDim},
		}
	}
	out := []line{{fit("no annotated channels; waiting now:", width), styleDim}}
	for _, g := range groups {
		if len(out) >= height {
			break
		}
		names := strings.Join(g.names, ", ")
		if g.n > len(g.names) {
			names += ", …"
		}
		out = append(out,
			line{fit(fmt.Sprintf("%d  %s", g.n, g.what), width), styleText.Bold(true)},
			line{fit("   "+names, width), styleText})
	}
	return out
}

// detailLines shows the current step in full: its goroutine, what
// happened, the cases of a select and the stack.
func (r *replay) detailLines(width, _ int) []line {
	if r.ix.steps.Len() == 0 {
		return nil
	}
	var out []line
	for i, text := range stepDetails(r.tl, r.step(), width) {
		st := styleText
		if i == 0 {
			st = st.Bold(true)
		}
		out = append(out, line{text, st})
	}
	return out
}
