package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gocspviz/gocspviz/tracer"
)

// stepDetails says all the timeline knows of step s, in lines of at most
// width runes: the goroutine and its state then, where it came from, what
// happened in words, the cases of a select with the chosen one marked, and
// the stack of where it happened.
func stepDetails(tl *tracer.Timeline, s tracer.Step, width int) []string {
	var out []string
	add := func(text string) { out = append(out, wrap(text, width)...) }

	// The goroutine.
	if g := tl.Goroutine(s.G); g != nil {
		add(tl.Name(s.G) + "  " + stateAt(g, s.Time))
		add(origin(tl, g))
	} else {
		add(tl.Name(s.G))
	}

	// What happened, and the select it happened in.
	add("")
	add(tl.Describe(s))
	if sel := stepSelect(tl, s); sel >= 0 {
		add("")
		add("select:")
		for _, text := range selectCases(tl, tl.Selects[sel]) {
			add(text)
		}
	}

	// Where.
	if st := tl.StepStack(s); st >= 0 && int(st) < tl.Stacks.Len() {
		add("")
		add("stack:")
		for _, f := range tracer.ProgramFrames(tl.Stacks.At(st)) {
			add(fmt.Sprintf("  %s  %s:%d", tracer.ShortName(f.Func), filepath.Base(f.File), f.Line))
		}
	}
	return out
}

// stateAt says what g was doing at time t: "running", "waiting: chan
// receive".
func stateAt(g *tracer.Goroutine, t tracer.Time) string {
	sp, ok := spanAt(g, t)
	if !ok {
		return "not running yet, or ended"
	}
	switch sp.State {
	case tracer.Running:
		return "running"
	case tracer.Runnable:
		return "runnable"
	case tracer.Syscall:
		return "in a system call"
	case tracer.Waiting:
		if sp.Block >= 0 {
			return "waiting: " + g.Blocks.At(int(sp.Block)).Reason
		}
		return "waiting"
	}
	return ""
}

// origin says who created g and when, and when it ended.
func origin(tl *tracer.Timeline, g *tracer.Goroutine) string {
	text := "existed before the trace"
	switch {
	case g.Created != tracer.NoTime && g.Parent != tracer.NoG:
		text = "created by " + tl.Name(g.Parent) + " at " + tracer.FormatTime(g.Created)
	case g.Created != tracer.NoTime:
		text = "created at " + tracer.FormatTime(g.Created)
	}
	if g.Ended != tracer.NoTime {
		text += ", ended at " + tracer.FormatTime(g.Ended)
	}
	return text
}

// stepSelect returns the select a step belongs to, or -1: the select that
// completed, or the one a wait is in.
func stepSelect(tl *tracer.Timeline, s tracer.Step) int32 {
	switch {
	case s.Kind == tracer.StepSelect:
		return s.Select
	case s.Kind == tracer.StepBlock && s.Block >= 0:
		if g := tl.Goroutine(s.G); g != nil && int(s.Block) < g.Blocks.Len() {
			return g.Blocks.At(int(s.Block)).Select
		}
	}
	return -1
}

// selectCases lists the cases of a select, one a line, the chosen one
// marked "▶".
func selectCases(tl *tracer.Timeline, sel tracer.Select) []string {
	var out []string
	for i, c := range sel.Cases {
		mark := "    "
		if i == sel.Chosen {
			mark = "  ▶ "
		}
		out = append(out, mark+tl.CaseText(c, true))
	}
	if sel.Chosen < 0 {
		out = append(out, "  (no case chosen)")
	}
	return out
}

// wrap breaks text into lines of at most width runes, at spaces where it
// can, keeping the indentation of the first line on the others.
func wrap(text string, width int) []string {
	if width <= 0 {
		return nil
	}
	indent := text[:len(text)-len(strings.TrimLeft(text, " "))]
	if len([]rune(indent)) >= width/2 {
		indent = ""
	}
	var out []string
	rest := []rune(text)
	for len(rest) > width {
		cut := width
		for i := width; i > len(indent); i-- {
			if rest[i] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, string(rest[:cut]))
		rest = append([]rune(indent), []rune(strings.TrimLeft(string(rest[cut:]), " "))...)
	}
	return append(out, string(rest))
}
