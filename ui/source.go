package ui

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/gocspviz/gocspviz/tracer"
)

// sources holds the text of the source files the source pane has shown,
// split into lines, so that each file is fetched once.
type sources struct {
	fetch func(path string) ([]byte, bool)
	files map[string][]string // nil for a file that could not be had
}

func newSources(fetch func(string) ([]byte, bool)) *sources {
	return &sources{fetch: fetch, files: map[string][]string{}}
}

// lines returns the lines of the named file, or nil.
func (s *sources) lines(file string) []string {
	if lines, ok := s.files[file]; ok {
		return lines
	}
	var lines []string
	if s.fetch != nil {
		if text, ok := s.fetch(file); ok {
			lines = strings.Split(string(bytes.TrimRight(text, "\n")), "\n")
		}
	}
	s.files[file] = lines
	return lines
}

// sourceLines shows the program's source at the current step: the line it
// happened at, highlighted, amid those around it. Without the file, it
// says where the step happened.
func (r *replay) sourceLines(width, height int) []line {
	if r.ix.steps.Len() == 0 {
		return nil
	}
	stk := r.tl.StepStack(r.step())
	if stk < 0 {
		return []line{{"no stack for this step", styleDim}}
	}
	frames := tracer.ProgramFrames(r.tl.Stacks.At(stk))
	if len(frames) == 0 {
		return []line{{"no stack for this step", styleDim}}
	}
	f := frames[0]
	text := r.sources.lines(f.File)
	if text == nil {
		return []line{
			{fmt.Sprintf("%s:%d", f.File, f.Line), styleText},
			{"in " + f.Func + "; the file is not on this machine", styleDim},
		}
	}
	return sourceWindow(text, path.Base(f.File), f.Line, width, height)
}

// sourceWindow returns height lines of text around line at (1-based),
// numbered, with that line marked and highlighted; the first line names
// the file.
func sourceWindow(text []string, name string, at, width, height int) []line {
	out := []line{{fmt.Sprintf("%s:%d", name, at), styleDim}}
	rows := height - 1
	if rows <= 0 || at < 1 || at > len(text) {
		return out
	}
	first := max(min(at-rows/2, len(text)-rows+1), 1)
	for n := first; n < first+rows && n <= len(text); n++ {
		src := strings.ReplaceAll(text[n-1], "\t", "    ")
		l := line{fmt.Sprintf("%5d  %s", n, src), styleText}
		if n == at {
			l = line{fit(fmt.Sprintf("%5d▶ %s", n, src), width), styleCurrent}
		}
		out = append(out, l)
	}
	return out
}
