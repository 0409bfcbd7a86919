package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/ui"
)

var errNoTerminal = errors.New("the replay needs a terminal; use --text or --json to print it instead")

// isTerminal reports whether standard input and output are a terminal.
func isTerminal() bool {
	return term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
}

// replayUI opens the terminal replay of tl.
func replayUI(tl *tracer.Timeline, title string) error {
	return ui.Replay(tl, ui.Options{Title: title})
}

// writeText prints the steps of the program's goroutines one a line:
// time, goroutine, what happened, and where in the program. The runtime's
// goroutines are left out, as the UI hides them by default.
func writeText(w io.Writer, tl *tracer.Timeline) error {
	bw := bufio.NewWriter(w)
	for _, s := range tl.Steps {
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

// writeSummary prints one screen of facts about the trace.
func writeSummary(w io.Writer, tl *tracer.Timeline) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	var user, system, blocks int
	reasons := map[string]int{}
	sites := map[string]int{}
	for _, g := range tl.Goroutines {
		if g.System {
			system++
			continue
		}
		user++
		for _, b := range g.Blocks {
			blocks++
			reasons[b.Reason]++
			if b.Site != "" {
				sites[b.Reason+" at "+b.Site]++
			}
		}
	}
	fmt.Fprintf(tw, "duration\t%s\n", tracer.FormatTime(tl.Duration))
	fmt.Fprintf(tw, "events\t%d\n", tl.Events)
	fmt.Fprintf(tw, "goroutines\t%d of the program, %d of the runtime\n", user, system)
	fmt.Fprintf(tw, "channels\t%d annotated\n", len(tl.Channels))
	fmt.Fprintf(tw, "steps\t%d\n", len(tl.Steps))
	fmt.Fprintf(tw, "waits\t%d by the program's goroutines\n", blocks)
	for _, kv := range top(reasons, 8) {
		fmt.Fprintf(tw, "\t%6d  %s\n", kv.n, kv.key)
	}
	fmt.Fprintf(tw, "most waited-at sites\t\n")
	for _, kv := range top(sites, 8) {
		fmt.Fprintf(tw, "\t%6d  %s\n", kv.n, kv.key)
	}
	fmt.Fprintf(tw, "findings\t%d\n", len(tl.Findings))
	for _, f := range tl.Findings {
		fmt.Fprintf(tw, "\t%s: %s\n", f.Kind, f.Detail)
	}
	return tw.Flush()
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
