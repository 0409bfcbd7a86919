package ui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/gocspviz/gocspviz/tracer"
)

// target is where the : key goes: a moment, or a goroutine.
type target struct {
	at tracer.Time // when g < 0
	g  tracer.GID  // a goroutine, or -1
}

// parseTarget reads what was typed after ":": a time since the trace's
// start ("12ms", "1.5s", "300us") or a goroutine ("g 17", "g17").
func parseTarget(s string) (target, error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "g"); ok {
		id, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
		if err != nil || id < 0 {
			return target{}, fmt.Errorf("%q is not a goroutine: write g and its id, as g 17", s)
		}
		return target{g: tracer.GID(id)}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return target{}, fmt.Errorf("%q is neither a time (12ms) nor a goroutine (g 17)", s)
	}
	return target{at: tracer.Time(d), g: -1}, nil
}

// goTo moves the cursor to a target: the first step at or after a time,
// or a goroutine's first step, selecting its lane. It says why it cannot.
func (r *replay) goTo(s string) {
	tg, err := parseTarget(s)
	if err != nil {
		r.message = err.Error()
		return
	}
	if tg.g >= 0 {
		steps := r.ix.stepsOf(tg.g)
		row := r.rowOf(tg.g)
		if steps.len() == 0 || row < 0 {
			r.message = fmt.Sprintf("g%d has no step in the lanes shown", tg.g)
			return
		}
		r.cur, r.sel = int(steps.at(0)), row
		return
	}
	i := r.ix.steps.Search(func(k int32) bool { return r.tl.Steps.Time(int(k)) >= tg.at })
	if i == r.ix.steps.Len() {
		r.message = fmt.Sprintf("no step at or after %s", tracer.FormatTime(tg.at))
		return
	}
	r.cur = i
}

// promptKey handles a key while the : prompt is open.
func (r *replay) promptKey(ev *tcell.EventKey) {
	switch ev.Key() {
	case tcell.KeyEnter:
		r.prompting = false
		r.goTo(r.prompt)
	case tcell.KeyEscape:
		r.prompting = false
	case tcell.KeyBackspace, tcell.KeyBackspace2:
		if rs := []rune(r.prompt); len(rs) > 0 {
			r.prompt = string(rs[:len(rs)-1])
		}
	case tcell.KeyRune:
		r.prompt += string(ev.Rune())
	}
}

// moveToLaneTime moves the cursor to goroutine g's step nearest time t:
// where a click on its lane points.
func (r *replay) moveToLaneTime(g tracer.GID, t tracer.Time) {
	steps := r.ix.stepsOf(g)
	if steps.len() == 0 {
		return
	}
	i := sort.Search(steps.len(), func(k int) bool { return r.ix.timeAt(int(steps.at(k))) >= t })
	switch {
	case i == steps.len():
		i--
	case i > 0 && t-r.ix.timeAt(int(steps.at(i-1))) < r.ix.timeAt(int(steps.at(i)))-t:
		i-- // the step before is nearer
	}
	r.cur = int(steps.at(i))
}
