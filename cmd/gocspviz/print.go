package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/gocspviz/gocspviz/scenarios"
	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/ui"
)

var errNoTerminal = errors.New("the replay needs a terminal; use --text or --json to print it instead")

// isTerminal reports whether standard input and output are a terminal.
func isTerminal() bool {
	return term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
}

// canShowUI reports whether the replay UI can run: standard output is a
// terminal, and so is standard input, unless the trace comes on it. The
// UI reads its keys from the controlling terminal, /dev/tty, which must
// then open.
func canShowUI(traceOnStdin bool) bool {
	if !traceOnStdin {
		return isTerminal()
	}
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return false
	}
	tty.Close()
	return term.IsTerminal(int(os.Stdout.Fd()))
}

// replayUI opens the terminal replay of tl.
func replayUI(tl *tracer.Timeline, title string) error {
	return ui.Replay(tl, ui.Options{Title: title, Source: source})
}

// source returns the text of a file a stack frame names: a scenario's
// from the binary, any other from this machine's disk if it is there.
func source(file string) ([]byte, bool) {
	if text, ok := scenarios.Source(file); ok {
		return text, true
	}
	text, err := os.ReadFile(file)
	return text, err == nil
}

// loadUI opens the terminal replay at once and loads the trace src names
// in it, showing how far the loading has got, and replaying what has been
// read while the rest loads. A URL is fetched first, with
// its own progress on stderr, before the screen is taken over.
func loadUI(src string, o loadOptions, stderr io.Writer) error {
	if isURL(src) {
		data, err := fetch(src, o.timeout, terminalOrNil(stderr))
		if err != nil {
			return err
		}
		o.fetched = data
	}
	var broken *tracer.BrokenError
	var name string
	load := func(ctx context.Context, progress func(read, total int64),
		sofar func(*tracer.Timeline)) (*tracer.Timeline, error) {
		o.ctx, o.progress, o.sofar = ctx, progress, sofar
		l, err := loadTrace(src, o, io.Discard)
		if err != nil {
			return nil, err
		}
		broken, name = l.broken, l.name
		return l.tl, nil
	}
	title := src
	if !isURL(src) {
		title = filepath.Base(src)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(ui.GCPercent)
	}
	err := ui.Load(load, ui.Options{Title: title, Source: source})
	if err == nil && broken != nil {
		fmt.Fprintf(stderr, "gocspviz: %s: %v; replayed the %d events before it\n", name, broken, broken.Events)
	}
	return err
}

// writeText prints the steps of the program's goroutines one a line:
// time, goroutine, what happened, and where in the program. The runtime's
// goroutines are left out, as the UI hides them by default.
func writeText(w io.Writer, tl *tracer.Timeline) error {
	bw := bufio.NewWriter(w)
	for _, s := range tl.Steps.All() {
		if g := tl.Goroutine(s.G); g != nil && g.System {
			continue
		}
		fmt.Fprintf(bw, "%10s  %s", tracer.FormatTime(s.Time), tl.Describe(s))
		if site := tl.StepSite(s); site != "" {
			fmt.Fprintf(bw, "  (%s)", site)
		}
		bw.WriteByte('\n')
	}
	for _, f := range tl.Findings {
		fmt.Fprintf(bw, "%10s  %s: %s\n", tracer.FormatTime(f.Time), f.Kind, f.Detail)
	}
	return bw.Flush()
}

// writeSummaryOf prints one screen of facts about a trace: its format,
// length and goroutines, where the program's goroutines waited and why,
// and the findings.
func writeSummaryOf(w io.Writer, l *loaded) error {
	tl := l.tl
	var user, system, blocks, ops int
	reasons := map[string]int{}
	sites := map[string]int{}
	for _, g := range tl.Goroutines {
		if g.System {
			system++
			continue
		}
		user++
		for _, b := range g.Blocks.All() {
			blocks++
			reasons[reasonOf(b)]++
			if b.Site != "" {
				sites[reasonOf(b)+" at "+b.Site]++
			}
		}
	}
	for _, c := range tl.Channels {
		ops += c.Ops.Len()
	}

	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	if l.version != "" {
		fmt.Fprintf(tw, "format\t%s, written by %s\n", l.version, writers(l.version))
	}
	if l.broken != nil {
		what := "damaged"
		if l.broken.Truncated {
			what = "cut short"
		}
		fmt.Fprintf(tw, "partial\tthe trace is %s; what follows is of the %d events before that\n",
			what, l.broken.Events)
	}
	fmt.Fprintf(tw, "duration\t%s\n", tracer.FormatTime(tl.Duration))
	fmt.Fprintf(tw, "events\t%d\n", tl.Events)
	fmt.Fprintf(tw, "goroutines\t%d of the program, %d of the runtime\n", user, system)
	fmt.Fprintf(tw, "channels\t%d annotated, with %d operations\n", len(tl.Channels), ops)
	fmt.Fprintf(tw, "steps\t%d\n", tl.Steps.Len())
	fmt.Fprintf(tw, "blocks\t%d by the program's goroutines\n", blocks)
	for _, kv := range top(reasons, 8) {
		fmt.Fprintf(tw, "\t%6d  %s\n", kv.n, kv.key)
	}
	for i, kv := range top(sites, 8) {
		heading := ""
		if i == 0 {
			heading = "most-blocked sites"
		}
		fmt.Fprintf(tw, "%s\t%6d  %s\n", heading, kv.n, kv.key)
	}
	fmt.Fprintf(tw, "findings\t%d\n", len(tl.Findings))
	for _, f := range tl.Findings {
		fmt.Fprintf(tw, "\t%s: %s\n", f.Kind, f.Detail)
	}
	return tw.Flush()
}

// reasonOf returns a wait's reason for the summary. The runtime gives
// none for a goroutine already waiting when the trace began.
func reasonOf(b tracer.Block) string {
	switch {
	case b.Reason != "":
		return b.Reason
	case b.SinceStart:
		return "(waiting when the trace began)"
	}
	return "(no reason given)"
}

// writers names the Go releases that write a trace format: a format is
// named after the release that introduced it, and kept until one changes
// it.
func writers(format string) string {
	switch format {
	case "go 1.11":
		return "Go 1.11 to 1.18"
	case "go 1.19":
		return "Go 1.19 or 1.20"
	case "go 1.23":
		return "Go 1.23 or 1.24"
	}
	return strings.Replace(format, "go ", "Go ", 1)
}

type counted struct {
	key string
	n   int
}

// top returns the n largest counts, largest first, ties by key.
func top(m map[string]int, n int) []counted {
	var all []counted
	for k, v := range m {
		all = append(all, counted{k, v})
	}
	slices.SortFunc(all, func(a, b counted) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.key, b.key))
	})
	return all[:min(n, len(all))]
}
